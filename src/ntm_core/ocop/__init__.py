"""OCOP (*Mỗi xã một sản phẩm*, One Commune One Product): rating, certificates, portfolio, targets.

A council scores a product on three parts (A, B, C); the total, out of 100,
falls in a star band. Part maxima, star bands, who certifies which stars and
how long a certificate lasts are rule data of the ``vn.ocop.rating`` editions
(Decision 1048/QĐ-TTg of 2019, 148/QĐ-TTg of 2023, 148 as amended by
1489/QĐ-TTg of 2025); a product is rated under the edition in force on its
evaluation date.

Two rules this module decides, and documents:

* **Five stars need central recognition.** A total in the band certified
  centrally without ``central_recognition`` holds the highest band below it
  that is not certified centrally (4 stars) and is a *5-star candidate*
  (*sản phẩm tiềm năng 5 sao*).
* **Certificates** run from the decision date (the evaluation date when no
  decision date is recorded) for the edition's number of months, half-open:
  ``[valid_from, valid_until)`` with ``valid_until = add_months(valid_from,
  months)`` and the end-of-month rule of :func:`add_months`.

>>> import datetime as dt
>>> from ntm_core.ocop import OcopProduct, rate
>>> product = OcopProduct.from_mapping({
...     "code": "SYN-1", "name": "Cam Tùng Châu", "commune_code": "18241", "group": "1",
...     "score_a": "33", "score_b": "20", "score_c": "38", "evaluated_on": "2022-03-31",
... })
>>> rating = rate(product)
>>> rating.total, rating.stars, rating.five_star_candidate, rating.valid_until
(Fraction(91, 1), 4, True, datetime.date(2025, 3, 31))

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from ntm_core._core import publish
from ntm_core.ocop import _files, _product, _rating, _section, _targets
from ntm_core.ocop._batch import OcopBatch, OcopTable, add_months_array, rate_many
from ntm_core.ocop._files import read_products, write_products
from ntm_core.ocop._portfolio import GroupCount, Portfolio, UnitCounts, portfolio
from ntm_core.ocop._present import PortfolioPlots
from ntm_core.ocop._product import (
    CertifyingLevel,
    OcopProduct,
    ProducerKind,
)
from ntm_core.ocop._rating import (
    OcopExplanation,
    OcopPartScore,
    OcopRating,
    add_months,
    expires_within,
    group_code,
    is_valid,
    rate,
    reevaluation_due,
)
from ntm_core.ocop._render import portfolio_lines, progress_lines, render_ocop_section
from ntm_core.ocop._section import ocop_section, targets_of_year, year_progress
from ntm_core.ocop._targets import (
    OcopProgress,
    OcopTarget,
    OcopTargets,
    TargetProgress,
    TargetScope,
    progress,
)

__all__ = [
    "COLUMNS",
    "PRODUCTS_SCHEMA",
    "REQUIRED_COLUMNS",
    "RULESET_KEY",
    "SCHEMA",
    "SECTION_SCHEMA",
    "TARGETS_SCHEMA",
    "CertifyingLevel",
    "GroupCount",
    "OcopBatch",
    "OcopExplanation",
    "OcopPartScore",
    "OcopProduct",
    "OcopProgress",
    "OcopRating",
    "OcopTable",
    "OcopTarget",
    "OcopTargets",
    "Portfolio",
    "PortfolioPlots",
    "ProducerKind",
    "TargetProgress",
    "TargetScope",
    "UnitCounts",
    "add_months",
    "add_months_array",
    "expires_within",
    "group_code",
    "is_valid",
    "ocop_section",
    "portfolio",
    "portfolio_lines",
    "progress",
    "progress_lines",
    "rate",
    "rate_many",
    "read_products",
    "reevaluation_due",
    "render_ocop_section",
    "targets_of_year",
    "write_products",
    "year_progress",
]

RULESET_KEY = _rating.RULESET_KEY
"""The rulebook key of the OCOP rating editions (1048/2019, 148/2023, 148+1489/2025)."""

COLUMNS = _product.COLUMNS
"""Every column of a product file, in the order :func:`write_products` writes them."""

REQUIRED_COLUMNS = _product.REQUIRED_COLUMNS
"""The columns every product file must have (the first eight of :data:`COLUMNS`)."""

PRODUCTS_SCHEMA = _files.PRODUCTS_SCHEMA
"""The ``schema`` value of a product JSON file written by :func:`write_products`."""

TARGETS_SCHEMA = _targets.TARGETS_SCHEMA
"""The ``schema`` value of an OCOP targets file."""

SECTION_SCHEMA = _section.SECTION_SCHEMA
"""The ``schema`` value of :func:`ocop_section`."""

SCHEMA = "ntm_core.ocop/1"
"""The ``schema`` value of ``ntm ocop --format json``."""


publish(globals(), __all__)  # documented (and pickled) under this module's name
