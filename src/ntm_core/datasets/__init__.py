"""Data sets bundled with ntm_core: real administrative units and their lineage, the Hà Tĩnh sample.

The data are package files, read without network access and without the
repository's ``shared`` folder. Their sources and licences are in the
``README.md`` beside each data set. The sample's indicator values,
recognition decisions (other than three verified ones), model residential
areas and OCOP products are **SYNTHETIC** (``ha_tinh/SAMPLE.md``);
:func:`export_sample` writes them as plain files for the ``ntm`` commands.

>>> import datetime as dt
>>> from ntm_core.datasets import ha_tinh_tree
>>> tree = ha_tinh_tree()
>>> tree.as_of(dt.date(2024, 6, 1))
<AdminSnapshot on 2024-06-01: 230 units (1 province-level, 13 district-level, 216 commune-level)>
>>> tree.as_of(dt.date(2025, 8, 1))
<AdminSnapshot on 2025-08-01: 70 units (1 province-level, 69 commune-level)>

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
from pathlib import Path

from ntm_core._core import publish
from ntm_core.admin import AdminTree, load_lineage_csv, load_units_csv
from ntm_core.datasets import _ocop
from ntm_core.datasets._export import export_sample
from ntm_core.datasets._ocop import (
    ha_tinh_ocop_targets,
    ocop_sample_district_of,
    ocop_sample_products,
    ocop_sample_section,
    ocop_sample_units,
)
from ntm_core.datasets._sample import Sample, ha_tinh_sample

__all__ = [
    "HA_TINH_DIR",
    "HA_TINH_OCOP_TARGETS",
    "OCOP_SAMPLE_PRODUCTS",
    "Sample",
    "export_sample",
    "ha_tinh_ocop_targets",
    "ha_tinh_sample",
    "ha_tinh_tree",
    "ocop_sample_district_of",
    "ocop_sample_products",
    "ocop_sample_section",
    "ocop_sample_units",
]


HA_TINH_DIR = Path(__file__).parent / "ha_tinh"
"""Where the bundled Hà Tĩnh files live (``units.csv``, ``lineage.csv``, ``README.md``)."""


OCOP_SAMPLE_PRODUCTS = _ocop.OCOP_SAMPLE_PRODUCTS
"""The bundled **synthetic** Hà Tĩnh OCOP portfolio (see ``datasets/ocop/README.md``)."""

HA_TINH_OCOP_TARGETS = _ocop.HA_TINH_OCOP_TARGETS
"""The bundled file of Hà Tĩnh's yearly OCOP targets (read it with ``OcopTargets.read_all``)."""


@functools.cache
def ha_tinh_tree() -> AdminTree:
    """Hà Tĩnh's administrative tree from 2020-01-01, with the lineage of 2025-07-01.

    The province (GSO code ``42``) with its 13 district-level and 216
    commune-level units (2020-01-01 – 2024-12-31), its 12 and 209 units
    (2025-01-01 – 2025-06-30), and from 2025-07-01 its 69 communes and wards
    directly under the province. Every unit has the attribute ``region=BTB``;
    commune-level units of 2025 have ``lat`` and ``lon`` (and ``area_km2``
    from 2025-07-01).

    Lineage is recorded only for 2025-07-01: the 2025-01-01 step
    (Resolution 1283/NQ-UBTVQH15) has no machine-readable lineage, so
    carrying results across it raises an error instead of guessing.

    The tree is built once and cached; it is immutable.

    .. versionadded:: 0.1.0
    """
    units = load_units_csv(HA_TINH_DIR / "units.csv")
    lineage = load_lineage_csv(HA_TINH_DIR / "lineage.csv")
    return AdminTree.from_units(units, lineage=lineage)


publish(globals(), __all__)  # documented (and pickled) under this module's name
