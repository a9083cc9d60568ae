"""The OCOP part of a readiness report: a portfolio on a date against the year's targets.

The public names are re-exported, and documented, by :mod:`ntm_core.ocop`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ntm_core.admin import AdminLevel, AdminSnapshot
from ntm_core.ocop._batch import OcopBatch, rate_many
from ntm_core.ocop._portfolio import Portfolio, portfolio
from ntm_core.ocop._product import OcopProduct
from ntm_core.ocop._targets import OcopProgress, OcopTargets, progress
from ntm_core.rules import Rulebook

__all__ = ["SECTION_SCHEMA", "ocop_section", "targets_of_year", "year_progress"]

SECTION_SCHEMA = "ntm_core.ocop-section/1"
"""The ``schema`` value of :func:`ocop_section`."""


def targets_of_year(sets: Iterable[OcopTargets], *, on: dt.date) -> OcopTargets:
    """The target set of ``on``'s year, else the latest year before it, else the earliest.

    Raises:
        ValueError: If ``sets`` is empty.

    .. versionadded:: 0.1.0
    """
    ordered = sorted(sets, key=lambda t: t.year)
    if not ordered:
        msg = "no OCOP target sets given"
        raise ValueError(msg)
    before = [t for t in ordered if t.year <= on.year]
    return before[-1] if before else ordered[0]


def year_progress(batch: OcopBatch, stats: Portfolio, targets: OcopTargets) -> OcopProgress:
    """Progress on ``targets``, judged on the target year's last day when ``stats`` is later.

    A past year's targets are judged by what that year achieved, not by what
    came after it.

    .. versionadded:: 0.1.0
    """
    year_end = dt.date(targets.year, 12, 31)
    if stats.on <= year_end:
        return progress(stats, targets)
    return progress(portfolio(batch, on=year_end), targets)


def _parents(units: AdminSnapshot) -> tuple[dict[str, str], dict[str, str]]:
    """Commune code → parent code, and the parents' names, from a snapshot."""
    unit_of = {
        u.code: u.parent_code
        for u in units.units()
        if u.level.rank == AdminLevel.COMMUNE.rank and u.parent_code
    }
    parents = set(unit_of.values())
    names = {u.code: u.name for u in units.units() if u.code in parents}
    return unit_of, names


def ocop_section(
    on: dt.date,
    *,
    products: Iterable[OcopProduct] | OcopBatch,
    units: AdminSnapshot | Mapping[str, str] | None = None,
    targets: OcopTargets | Iterable[OcopTargets] | None = None,
    rulebook: Rulebook | None = None,
    source: str = "products given",
    synthetic: bool = False,
) -> dict[str, object]:
    """The OCOP part of a readiness report: the portfolio on ``on`` against the targets.

    Args:
        on: The date of the report.
        products: The products, or their ratings from :func:`rate_many`.
        units: Counts per parent unit: an :class:`~ntm_core.admin.AdminSnapshot`
            (each commune counted under its parent, named), or a mapping of
            commune code → parent code. Per commune when ``None``.
        targets: A year's targets, or several years' (the set of ``on``'s
            year is used, else the latest year before it, else the earliest);
            no progress when ``None``. A past year's targets are judged on
            that year's last day.
        rulebook: The rules; the bundled rulebook when ``None``.
        source: Where the products come from, as the report says it.
        synthetic: Whether the products are synthetic (the report says so).

    Returns:
        JSON-ready data: ``schema``, ``on``, ``synthetic``, ``source``,
        ``portfolio`` (:meth:`Portfolio.to_dict`), ``unit_names`` (unit code →
        name, from ``units``) and ``progress`` (:meth:`OcopProgress.to_dict`,
        or ``None``). Render it with :func:`render_ocop_section`; the bundled
        sample's section is :func:`ntm_core.datasets.ocop_sample_section`.

    >>> import datetime as dt
    >>> from ntm_core.datasets import ha_tinh_ocop_targets, ocop_sample_products
    >>> section = ocop_section(
    ...     dt.date(2022, 12, 31), products=ocop_sample_products(), targets=ha_tinh_ocop_targets()
    ... )
    >>> section["synthetic"], section["progress"]["targets"]["year"]
    (False, 2022)

    .. versionadded:: 0.1.0
    """
    batch = products if isinstance(products, OcopBatch) else rate_many(products, rulebook=rulebook)
    names: Mapping[str, str] = {}
    unit_of: Mapping[str, str] | None
    if isinstance(units, AdminSnapshot):
        unit_of, names = _parents(units)
    else:
        unit_of = units
    stats = portfolio(batch, on=on, unit_of=unit_of)
    chosen = (
        None
        if targets is None
        else targets
        if isinstance(targets, OcopTargets)
        else targets_of_year(targets, on=on)
    )
    return {
        "schema": SECTION_SCHEMA,
        "on": on.isoformat(),
        "synthetic": synthetic,
        "source": source,
        "portfolio": stats.to_dict(),
        "unit_names": dict(names),
        "progress": None if chosen is None else year_progress(batch, stats, chosen).to_dict(),
    }
