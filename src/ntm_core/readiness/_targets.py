"""Programme targets (263/QĐ-TTg for 2025): the province's shares beside its region's targets.

A targets edition (``tier = "targets"``, :attr:`~ntm_core.rules.RulePurpose.TARGETS`)
decides no tier. Each of its indicators is a share of the province's units at a
tier (communes at standard; district-level units at standard or task completed),
with thresholds by region and by the year they are for. The shares are counted
from the levels the report assessed, exactly, as the province's own conditions are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from ntm_core._core.vocabulary import Citation, Outcome, Region, RuleLevel
from ntm_core.admin import AdminUnit
from ntm_core.engine import CheckResult
from ntm_core.readiness._conditions import ConditionStatus, status_of
from ntm_core.readiness._levels import LevelResult
from ntm_core.rules import (
    Aggregate,
    Indicator,
    Rulebook,
    RulePurpose,
    RuleSet,
    Selection,
    Threshold,
)

__all__ = ["ProgramTargets", "program_target_years", "program_targets"]


def _statuses(value: Iterable[ConditionStatus]) -> tuple[ConditionStatus, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ProgramTargets:
    """A programme's targets for one year, each beside the province's share.

    Attributes:
        edition: The targets edition (``vn.province.targets@2021-2025``).
        instrument: The instrument that sets the targets (263/QĐ-TTg).
        year: The year the targets are for.
        region: The province's NTM region, which picks the targets.
        targets: One :class:`ConditionStatus` per target: the share observed
            (percent), the target, the gap in units, citation and provenance. A
            share over no units (no districts after the 2025 reform) is not
            applicable, never met.

    >>> import ntm_core as ntm
    >>> report = ntm.readiness(ntm.sample(), on="2024-12-31", target=2025)
    >>> found = report.program_targets
    >>> found.edition, found.year, found.region.value
    ('vn.province.targets@2021-2025', 2025, 'BTB')
    >>> [(t.code, str(t.threshold), t.outcome.value) for t in found.targets[:2]]
    [('MT1', '87', 'met'), ('MT2', '45', 'met')]

    .. versionadded:: 0.3.0
    """

    edition: str
    instrument: Citation
    year: int
    region: Region | None
    targets: tuple[ConditionStatus, ...] = attrs.field(converter=_statuses)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the edition, instrument, year, region and one entry per target."""
        return {
            "rule_set": self.edition,
            "instrument": self.instrument.to_dict(),
            "year": self.year,
            "region": self.region.value if self.region is not None else None,
            "targets": [t.to_dict() for t in self.targets],
        }


def _editions(book: Rulebook, scope: str) -> list[RuleSet]:
    """The province targets editions of ``scope`` and of ``vn``, the scope's first."""
    prefixes = list(dict.fromkeys((scope, "vn")))
    found = [
        e
        for e in book
        if e.purpose is RulePurpose.TARGETS
        and e.level is RuleLevel.PROVINCE
        and e.key.split(".")[0] in prefixes
    ]
    return sorted(
        found, key=lambda e: (prefixes.index(e.key.split(".")[0]), -e.valid_from.toordinal())
    )


def _years_of(edition: RuleSet) -> set[int]:
    return {t.year for _, t in edition.thresholds() if t.year is not None}


def program_target_years(book: Rulebook, scope: str = "vn") -> set[int]:
    """The years some programme target is encoded for (2025 for 263/QĐ-TTg)."""
    return {year for e in _editions(book, scope) for year in _years_of(e)}


def program_targets(
    book: Rulebook,
    province: AdminUnit,
    levels: Mapping[RuleLevel, LevelResult],
    *,
    year: int,
    on: dt.date,
    scope: str = "vn",
) -> ProgramTargets | None:
    """The targets for ``year`` of the province's region, beside its shares; ``None`` if none.

    Args:
        book: The rules.
        province: The province (its ``region`` attribute picks the targets).
        levels: The report's levels (communes, districts, towns) as assessed.
        year: The year the targets are for.
        on: The date of the tree the levels are on (for the reason a share does not apply).
        scope: Prefer this scope's targets edition.
    """
    edition = next((e for e in _editions(book, scope) if year in _years_of(e)), None)
    if edition is None:
        return None
    region = _region(province)
    selection = Selection(region=region, year=year)
    statuses = [
        status_of(
            _check(indicator, aggregate, indicator.threshold_for(selection), levels),
            code=criterion.code,
            name_vi=criterion.name_vi,
            name_en=criterion.name_en,
            aggregate=aggregate,
            levels=levels,
            on=on,
        )
        for criterion, indicator in edition.indicators()
        if (aggregate := indicator.aggregate) is not None
    ]
    return ProgramTargets(
        edition=edition.id,
        instrument=edition.instrument,
        year=year,
        region=region,
        targets=statuses,
    )


def _region(province: AdminUnit) -> Region | None:
    raw = province.attributes.get("region")
    if raw is None:
        return None
    try:
        return Region.from_text(str(raw))
    except ValueError:
        return None


def _share(aggregate: Aggregate, levels: Mapping[RuleLevel, LevelResult]) -> Fraction | None:
    """Exact percent of the units of every part at its tier; ``None`` if unknown or over none.

    As for the province's own conditions, a share is unknown when a unit of
    unknown tier could change it.
    """
    total = certain = maybe = 0
    for of, tier in aggregate.parts():
        result = levels.get(of)
        if result is None:
            continue
        if result.units and (result.batch is None or tier not in result.batch.ladder.tiers):
            return None  # the rules in force decide no such tier: unknown, not zero
        total += len(result.units)
        certain += int(result.at_least(tier).sum())
        maybe += int(result.maybe(tier).sum())
    if total == 0 or maybe:
        return None
    return Fraction(100 * certain, total)


def _check(
    indicator: Indicator,
    aggregate: Aggregate,
    threshold: Threshold | None,
    levels: Mapping[RuleLevel, LevelResult],
) -> CheckResult:
    """The indicator's check: the province's share against the target (unknown without either)."""
    observed = _share(aggregate, levels)
    value = threshold.value if threshold is not None else None
    outcome = Outcome.UNKNOWN
    if observed is not None and isinstance(value, Fraction):
        outcome = Outcome.MET if indicator.comparator.holds(observed, value) else Outcome.NOT_MET
    return CheckResult(
        key=indicator.key,
        code=indicator.code,
        name_vi=indicator.name_vi,
        name_en=indicator.name_en,
        unit=indicator.unit,
        comparator=indicator.comparator.value,
        observed=observed,
        threshold=value,
        selectors=threshold.selectors() if threshold is not None else {},
        citation=threshold.citation if threshold is not None else None,
        provenance=threshold.provenance if threshold is not None else None,
        outcome=outcome,
    )
