"""Readers for observations and unit lists: CSV, JSON, Excel and Python records.

Observations come in two layouts: *long* (one row per ``unit_code, period,
indicator, value[, unit][, source]``) or *wide* (one row per unit and period,
one column per indicator key or legal code, with an optional unit in brackets).
Every value is converted once, exactly, into the indicator's canonical unit;
bad input raises every problem at once, naming file, row, column and value.

>>> from ntm_core.engine import IndicatorCatalog
>>> from ntm_core.io import observations_from_records
>>> from ntm_core.rules import Rulebook
>>> catalog = IndicatorCatalog.from_editions(
...     [Rulebook.bundled().get("vn.commune.standard@2021-2025")]
... )
>>> observations = observations_from_records(
...     [
...         {
...             "unit_code": "18073",
...             "period": 2024,
...             "income_per_capita [đồng/người/năm]": "45000001",
...             "15.1": "850/1000",
...             "commune_plan_approved": "Đạt",
...         }
...     ],
...     catalog=catalog,
... )
>>> observations.value("income_per_capita", 0)
Fraction(45000001, 1000000)
>>> observations.value("health_insurance_coverage", 0)
Fraction(85, 1)
>>> observations.value("commune_plan_approved", 0)
True

.. versionadded:: 0.1.0
"""

from ntm_core._core import publish
from ntm_core.io._frames import observations_from_frame
from ntm_core.io._read import observations_from_records, read_observations, read_units

__all__ = [
    "observations_from_frame",
    "observations_from_records",
    "read_observations",
    "read_units",
]

publish(globals(), __all__)  # documented (and pickled) under this module's name
