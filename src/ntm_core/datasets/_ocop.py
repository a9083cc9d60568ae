"""The bundled OCOP data: a synthetic Hà Tĩnh portfolio and Hà Tĩnh's yearly targets.

The public names are re-exported, and documented, by :mod:`ntm_core.datasets`.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from ntm_core.admin import AdminLevel, AdminSnapshot
from ntm_core.ocop import OcopProduct, OcopTargets, ocop_section, read_products
from ntm_core.rules import Rulebook

__all__ = [
    "HA_TINH_OCOP_TARGETS",
    "OCOP_SAMPLE_PRODUCTS",
    "ha_tinh_ocop_targets",
    "ocop_sample_district_of",
    "ocop_sample_products",
    "ocop_sample_section",
    "ocop_sample_units",
]

_DIR = Path(__file__).parent / "ocop"

OCOP_SAMPLE_PRODUCTS = _DIR / "ha-tinh-products.csv"
"""The bundled **synthetic** Hà Tĩnh product portfolio (see ``datasets/ocop/README.md``)."""

HA_TINH_OCOP_TARGETS = _DIR / "targets-ha-tinh.toml"
"""The bundled file of Hà Tĩnh's yearly OCOP targets (read it with :meth:`OcopTargets.read_all`)."""

_SAMPLE_TREE_DATE = dt.date(2024, 6, 1)  # the 2020–2024 districts the sample's communes belong to


@functools.cache
def ocop_sample_products() -> tuple[OcopProduct, ...]:
    """The bundled synthetic Hà Tĩnh OCOP portfolio (read once).

    The products, producers, scores and dates are **synthetic**, made by
    ``scripts/make_ocop_sample.py`` with a fixed seed to match the public
    figures (95 products certified in 2021, no 5-star product by early 2022);
    the commune codes are real.

    .. versionadded:: 0.1.0
       As ``ntm_core.ocop.sample_products``.
    """
    return read_products(OCOP_SAMPLE_PRODUCTS)


def ocop_sample_units() -> AdminSnapshot:
    """Hà Tĩnh's units on 2024-06-01: the 2020–2024 districts of the sample's communes.

    .. versionadded:: 0.1.0
    """
    from ntm_core.datasets import ha_tinh_tree  # the package's own tree (defined beside)

    return ha_tinh_tree().as_of(_SAMPLE_TREE_DATE)


def ocop_sample_district_of() -> dict[str, str]:
    """Commune code → district code (2020–2024 districts) for the sample's communes.

    >>> ocop_sample_district_of()["18241"]  # Xã Tùng Châu, Huyện Đức Thọ
    '440'

    .. versionadded:: 0.1.0
       As ``ntm_core.ocop.sample_district_of``.
    """
    return {
        u.code: u.parent_code
        for u in ocop_sample_units().units()
        if u.level.rank == AdminLevel.COMMUNE.rank and u.parent_code
    }


@functools.cache
def ha_tinh_ocop_targets() -> tuple[OcopTargets, ...]:
    """Hà Tĩnh's yearly OCOP target sets, by year (read once from :data:`HA_TINH_OCOP_TARGETS`).

    >>> [(t.year, [x.minimum for x in t.targets]) for t in ha_tinh_ocop_targets()]
    [(2022, [50, 5, 1])]

    .. versionadded:: 0.1.0
    """
    return OcopTargets.read_all(HA_TINH_OCOP_TARGETS)


def ocop_sample_section(on: dt.date, *, rulebook: Rulebook | None = None) -> dict[str, object]:
    """The OCOP section of the sample's readiness report, per 2020–2024 district.

    The synthetic portfolio on ``on`` against Hà Tĩnh's targets of ``on``'s
    year (or the latest year before it, else the earliest); see
    :func:`~ntm_core.ocop.ocop_section`.

    >>> import datetime as dt
    >>> section = ocop_sample_section(dt.date(2022, 12, 31))
    >>> section["synthetic"], section["progress"]["targets"]["year"]
    (True, 2022)

    .. versionadded:: 0.1.0
    """
    return ocop_section(
        on,
        products=ocop_sample_products(),
        units=ocop_sample_units(),
        targets=ha_tinh_ocop_targets(),
        rulebook=rulebook,
        source="bundled Hà Tĩnh sample",
        synthetic=True,
    )
