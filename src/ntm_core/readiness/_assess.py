"""Assess provinces: communes, then districts and towns from their communes, then the province."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ntm_core._core.vocabulary import RuleLevel, Tier
from ntm_core.admin import AdminLevel, AdminSnapshot, AdminTree, AdminUnit
from ntm_core.engine import Ladder, Observations
from ntm_core.exceptions import InputError, RuleNotInForceError
from ntm_core.readiness._conditions import ConditionStatus, condition_statuses
from ntm_core.readiness._labels import report_labels
from ntm_core.readiness._levels import LevelResult, assess_level
from ntm_core.readiness._model import (
    PlanTarget,
    PlanTargetProgress,
    ProvinceReadiness,
    ProvincesReadiness,
    Recognition,
)
from ntm_core.readiness._rollup import TierCounts, aggregates, positions, tier_counts
from ntm_core.readiness._targets import program_target_years, program_targets
from ntm_core.rules import Rulebook, RulePurpose, RuleSet

__all__ = ["assess_province", "assess_provinces"]

_UNIT_LEVELS = {
    RuleLevel.COMMUNE: (AdminLevel.COMMUNE,),
    RuleLevel.DISTRICT: (AdminLevel.DISTRICT,),
    RuleLevel.TOWN: (AdminLevel.CITY, AdminLevel.TOWN),
}


def _snapshot(
    tree: AdminSnapshot | AdminTree | None, units: Sequence[AdminUnit] | None, on: dt.date
) -> AdminSnapshot:
    """The administrative tree on ``on``, from ``tree`` or (deprecated) from a list of units."""
    if tree is not None and units is not None:
        msg = "give tree= (an AdminSnapshot or AdminTree), not both tree= and units="
        raise TypeError(msg)
    if isinstance(tree, AdminTree):
        return tree.as_of(on)
    if tree is not None:
        return tree
    if units is None:
        msg = "give tree=, the administrative tree (an AdminSnapshot or AdminTree)"
        raise TypeError(msg)
    warnings.warn(
        "units= is deprecated: pass tree=AdminSnapshot(on=on, units=units), "
        "or an AdminTree, whose indexes readiness uses",
        DeprecationWarning,
        stacklevel=3,
    )
    return AdminSnapshot(on=on, units=units)


def assess_province(
    observations: Observations,
    *,
    tree: AdminSnapshot | AdminTree | None = None,
    province: str,
    on: dt.date,
    period: int | None = None,
    target_year: int | None = None,
    rulebook: Rulebook | None = None,
    scope: str = "vn",
    recognitions: Sequence[Recognition] = (),
    targets: Sequence[PlanTarget] = (),
    history: Observations | None = None,
    synthetic: bool = False,
    units: Sequence[AdminUnit] | None = None,
) -> ProvinceReadiness:
    """Assess a province's communes, districts, towns and the province itself.

    Args:
        observations: Indicator values for units of every level (communes,
            districts, towns, the province), by unit code and period.
        tree: The administrative tree: an :class:`~ntm_core.admin.AdminSnapshot`
            (the tree on one day), or an :class:`~ntm_core.admin.AdminTree`,
            taken as of ``on``.
        province: The province code (``"42"`` for Hà Tĩnh).
        on: The date whose rules apply.
        period: The assessment year to use (default: the latest year in the
            data not after ``on``).
        target_year: The year the province targets (shown in the report).
        rulebook: The rules (bundled by default).
        scope: Prefer this scope's rule sets (``"ha-tinh"`` adds criterion 20).
        recognitions: Recognition decisions, shown beside computed status.
        targets: Plan targets by year, compared with the results per period.
        history: Observations of earlier periods (default: ``observations``),
            used to count new units per tier for plan targets.
        synthetic: The values are synthetic (a sample); every format says so.
            The thresholds a sheet overrode (``rulebook``'s
            :attr:`~ntm_core.rules.Rulebook.overrides`) are listed in every format.
        units: Deprecated: the units existing on ``on``, as a sequence; pass
            ``tree`` instead.

    Nothing dated after ``on`` is counted: a period's data are dated at the end
    of its year, so ``period`` (default: the latest such period) must end on
    or before ``on``; recognitions are those decided on or before it; a
    target's progress needs its year's data.

    ``target_year`` selects the targets **and** the province conditions of that
    year: the plan targets of the year, the programme targets for it (Decision
    263/QĐ-TTg's regional targets for 2025,
    ``program_targets``, a :class:`~ntm_core.readiness.ProgramTargets`),
    and the conditions of the province rule set of the programme period that
    holds the year (2025: 321/QĐ-TTg's ``vn.province.task_completed@2021-2025``;
    2030: 51/2025/QĐ-TTg's ``@2026-2030``), evaluated on the data as of ``on``.
    Communes, districts and towns are always judged by the rules in force on ``on``.

    Raises:
        InputError: If the province is not in the tree, no period ends on or
            before ``on``, or no target or province condition is encoded for
            ``target_year`` (the message names the years that have some).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.1.0
       Takes the administrative tree as ``tree=``; ``units=`` is deprecated.
    """
    snapshot = _snapshot(tree, units, on)
    result = assess_provinces(
        observations,
        tree=snapshot,
        provinces=[province],
        on=on,
        period=period,
        target_year=target_year,
        rulebook=rulebook,
        scope=scope,
        recognitions=recognitions,
        targets=targets,
        history=history,
        synthetic=synthetic,
    )
    return result.reports[province]


def assess_provinces(
    observations: Observations,
    *,
    tree: AdminSnapshot | AdminTree | None = None,
    on: dt.date,
    provinces: Sequence[str] | None = None,
    period: int | None = None,
    target_year: int | None = None,
    rulebook: Rulebook | None = None,
    scope: str = "vn",
    recognitions: Sequence[Recognition] = (),
    targets: Sequence[PlanTarget] = (),
    history: Observations | None = None,
    synthetic: bool = False,
    units: Sequence[AdminUnit] | None = None,
) -> ProvincesReadiness:
    """Assess every province (or those named) in one pass: each level is evaluated once.

    Arguments as :func:`assess_province`; ``provinces`` defaults to every
    province-level unit in the tree.

    Raises:
        InputError: If a named province is not in the tree.

    .. versionadded:: 0.1.0
    """
    snapshot = _snapshot(tree, units, on)
    book = rulebook if rulebook is not None else Rulebook.bundled()
    wanted = (
        list(provinces)
        if provinces is not None
        else [u.code for u in snapshot.units(level=AdminLevel.PROVINCE)]
    )
    for code in wanted:
        if code not in snapshot:
            msg = f"province {code!r} is not in the administrative tree on {on.isoformat()}"
            raise InputError(msg, column="province", value=code)
    period = _period(observations, period, on)
    conditions_on = on
    if target_year is not None:
        targets = _targets_of(book, targets, target_year, scope)
        conditions_on = _conditions_on(book, target_year, scope) or on
    recognitions = [r for r in recognitions if _known_on(r, on)]
    inside = {code: snapshot.descendants(code) for code in wanted}
    everyone = [u for members in inside.values() for u in members]
    groups = {
        level: [u for u in everyone if u.level in kinds] for level, kinds in _UNIT_LEVELS.items()
    }
    heads = [snapshot[code] for code in wanted]
    cache: dict[int, dict[RuleLevel, LevelResult]] = {}

    def levels_of(year: int) -> dict[RuleLevel, LevelResult]:
        if year not in cache:
            data = observations if year == period else (history or observations)
            # An earlier period is judged by the rules in force at its end (1980 for 2021).
            when = on if year == period else min(on, dt.date(year, 12, 31))
            # The target year's province conditions judge the report's own period only.
            province_on = conditions_on if year == period else when
            cache[year] = _assess_levels(
                book, data, heads, groups, snapshot, year, when, scope, province_on=province_on
            )
        return cache[year]

    all_levels = levels_of(period)
    rows: dict[RuleLevel, dict[str, list[int]]] = {}
    for level, result in all_levels.items():
        if level is RuleLevel.PROVINCE:
            owners = np.arange(len(result.units))
        else:
            owners = positions(snapshot, result.codes, wanted)
        slots = rows.setdefault(level, {})
        for i, owner in enumerate(owners.tolist()):
            if owner >= 0:
                slots.setdefault(wanted[owner], []).append(i)
    periods_seen = {p for p in (history or observations).periods if _ended(p, on)}
    reports = {}
    for code in wanted:
        levels = {level: all_levels[level].take(rows[level].get(code, [])) for level in all_levels}

        def levels_for(year: int, code: str = code) -> dict[RuleLevel, LevelResult]:
            found = levels_of(year)
            return {level: found[level].take(rows[level].get(code, [])) for level in found}

        reports[code] = _report(
            book,
            snapshot,
            snapshot[code],
            levels,
            inside[code],
            on=on,
            period=period,
            target_year=target_year,
            recognitions=recognitions,
            targets=_progress(targets, levels_for, periods_seen),
            synthetic=synthetic,
            scope=scope,
            conditions_on=conditions_on,
        )
    return ProvincesReadiness(reports=reports)


def _report(
    book: Rulebook,
    snapshot: AdminSnapshot,
    province: AdminUnit,
    levels: dict[RuleLevel, LevelResult],
    inside: Sequence[AdminUnit],
    *,
    on: dt.date,
    period: int,
    target_year: int | None,
    recognitions: Sequence[Recognition],
    targets: list[PlanTargetProgress],
    synthetic: bool,
    scope: str,
    conditions_on: dt.date,
) -> ProvinceReadiness:
    groups = {
        level: [u for u in inside if u.level in kinds] for level, kinds in _UNIT_LEVELS.items()
    }
    province_assessment = None
    conditions: list[ConditionStatus] = []
    p_result = levels.get(RuleLevel.PROVINCE)
    if p_result is not None and p_result.batch is not None and len(p_result.units):
        province_assessment = p_result.batch.explain(province.code, period)
        conditions = condition_statuses(province_assessment, p_result.batch.ladder, levels, on)
    program = (
        program_targets(book, province, levels, year=target_year, on=on, scope=scope)
        if target_year is not None
        else None
    )
    rules = tuple(dict.fromkeys(i for r in levels.values() if r.batch for i in r.batch.ladder.ids))
    if program is not None:
        rules = (*rules, program.edition)
    codes = {u.code for u in inside} | {province.code}
    return ProvinceReadiness(
        province=province,
        on=on,
        target_year=target_year,
        period=period,
        levels=levels,
        province_assessment=province_assessment,
        conditions=tuple(conditions),
        commune_counts=_commune_counts(levels[RuleLevel.COMMUNE], groups, snapshot),
        district_counts=_district_counts(levels),
        recognitions=tuple(r for r in recognitions if r.unit in codes),
        targets=tuple(targets),
        program_targets=program,
        conditions_on=_other_conditions(
            book, levels, conditions_on=conditions_on, on=on, scope=scope
        ),
        rules=rules,
        rules_hash=book.content_hash(rules),
        labels=report_labels(levels, synthetic=synthetic),
    )


def _other_conditions(
    book: Rulebook,
    levels: Mapping[RuleLevel, LevelResult],
    *,
    conditions_on: dt.date,
    on: dt.date,
    scope: str,
) -> dt.date | None:
    """``conditions_on`` if the province was judged by other rules than those in force on ``on``."""
    result = levels.get(RuleLevel.PROVINCE)
    if conditions_on == on or result is None or result.batch is None:
        return None
    try:
        own = Ladder.for_level(book, level=RuleLevel.PROVINCE, on=on, scope=scope).ids
    except RuleNotInForceError:
        return conditions_on
    return None if own == result.batch.ladder.ids else conditions_on


def _assess_levels(  # noqa: PLR0917 - private; called from one place with all its context
    book: Rulebook,
    observations: Observations,
    provinces: Sequence[AdminUnit],
    groups: Mapping[RuleLevel, Sequence[AdminUnit]],
    snapshot: AdminSnapshot,
    period: int,
    on: dt.date,
    scope: str,
    *,
    province_on: dt.date,
) -> dict[RuleLevel, LevelResult]:
    """Communes, then districts and towns (with shares of their communes), then the provinces.

    The provinces are judged by the rules in force on ``province_on`` (the
    target year's conditions), on the same data and children.
    """
    levels: dict[RuleLevel, LevelResult] = {}
    communes = assess_level(
        book,
        level=RuleLevel.COMMUNE,
        units=groups[RuleLevel.COMMUNE],
        observations=observations,
        period=period,
        on=on,
        scope=scope,
    )
    levels[RuleLevel.COMMUNE] = communes
    for level in (RuleLevel.DISTRICT, RuleLevel.TOWN):
        parents = groups[level]
        try:
            ladder = Ladder.for_level(book, level=level, on=on, scope=scope)
        except RuleNotInForceError:
            found = {}
        else:
            found = aggregates(ladder.rungs, parents, {RuleLevel.COMMUNE: communes}, snapshot)
        levels[level] = assess_level(
            book,
            level=level,
            units=parents,
            observations=observations,
            period=period,
            on=on,
            scope=scope,
            aggregates=found,
        )
    try:
        p_ladder = Ladder.for_level(book, level=RuleLevel.PROVINCE, on=province_on, scope=scope)
    except RuleNotInForceError:
        return levels
    levels[RuleLevel.PROVINCE] = assess_level(
        book,
        level=RuleLevel.PROVINCE,
        units=provinces,
        observations=observations,
        period=period,
        on=province_on,
        scope=scope,
        aggregates=aggregates(p_ladder.rungs, provinces, levels, snapshot),
    )
    return levels


def _commune_counts(
    communes: LevelResult,
    groups: Mapping[RuleLevel, Sequence[AdminUnit]],
    snapshot: AdminSnapshot,
) -> TierCounts:
    """Commune counts per district-level unit, plus the province total as the last parent."""
    parents = sorted(u.code for u in (*groups[RuleLevel.DISTRICT], *groups[RuleLevel.TOWN]))
    batch = communes.batch
    n = len(communes.units)
    index = positions(snapshot, communes.codes, parents)
    if batch is None:
        ladder: tuple[Tier, ...] = (Tier.NOT_YET,)
        at_least = np.zeros(n, dtype=np.int64)
        unknown = np.zeros(n, dtype=bool)
        met = np.zeros(n, dtype=np.int64)
        total = 0
    else:
        ladder = (Tier.NOT_YET, *batch.ladder.tiers)
        at_least = batch.tier_at_least_index + 1
        unknown = batch.tier_index == -2
        met = batch.criteria_met()
        total = len(batch.ladder.rungs[0].criteria)
    # the province total: every commune also counts toward a last, synthetic parent
    everyone = np.full(n, len(parents), dtype=np.intp)
    return tier_counts(
        parents=[*parents, "total"],
        index=np.concatenate([index, everyone]),
        tier_at_least=np.concatenate([at_least, at_least]),
        tier_unknown=np.concatenate([unknown, unknown]),
        criteria_met=np.concatenate([met, met]),
        criteria_total=total,
        ladder=ladder,
    )


def _district_counts(levels: Mapping[RuleLevel, LevelResult]) -> TierCounts:
    result = levels[RuleLevel.DISTRICT]
    batch = result.batch
    n = len(result.units)
    ladder = (Tier.NOT_YET, *batch.ladder.tiers) if batch is not None else (Tier.NOT_YET,)
    at_least = batch.tier_at_least_index + 1 if batch is not None else np.zeros(n, dtype=np.int64)
    unknown = batch.tier_index == -2 if batch is not None else np.zeros(n, dtype=bool)
    met = batch.criteria_met() if batch is not None else np.zeros(n, dtype=np.int64)
    total = len(batch.ladder.rungs[0].criteria) if batch is not None else 0
    return tier_counts(
        parents=["total"],
        index=np.zeros(n, dtype=np.intp),
        tier_at_least=at_least,
        tier_unknown=unknown,
        criteria_met=met,
        criteria_total=total,
        ladder=ladder,
    )


def _progress(
    targets: Sequence[PlanTarget],
    levels_of: Callable[[int], Mapping[RuleLevel, LevelResult]],
    periods: set[int],
) -> list[PlanTargetProgress]:
    """Compare the units that reached a tier in a target year (from the data) with the targets."""
    out = []
    for target in targets:
        actual = None
        if target.year in periods and (target.year - 1) in periods:
            level, tier = target.measure.level, target.measure.tier
            now = levels_of(target.year).get(level)
            before = levels_of(target.year - 1).get(level)
            # A tier no rule set decided in the year before (advanced in 2021) has no increase.
            if now is not None and before is not None and _decides(now, tier, before):
                actual = int((now.at_least(tier) & ~before.at_least(tier)).sum())
        met = None if actual is None else actual >= target.minimum
        out.append(PlanTargetProgress(target=target, actual=actual, met=met))
    return out


def _decides(now: LevelResult, tier: Tier, before: LevelResult) -> bool:
    """Whether the rules of both years (each in force on its own date) have a rung for ``tier``."""
    return all(r.batch is not None and tier in r.batch.ladder.tiers for r in (now, before))


def _ended(period: int, on: dt.date) -> bool:
    """Whether a period's data are known on ``on``: they are dated at the end of its year."""
    return dt.date(period, 12, 31) <= on


def _period(observations: Observations, period: int | None, on: dt.date) -> int:
    """The period to assess: ``period``, or the latest one that ended on or before ``on``."""
    present = sorted(set(observations.periods))
    if not present:
        raise InputError("the observations are empty", source=observations.source)
    if period is not None:
        if not _ended(period, on):
            msg = (
                f"period {period} ends after {on.isoformat()}: its data are not known on that "
                "date; give an earlier period or a later date"
            )
            raise InputError(msg, column="period", value=period)
        return period
    ended = [p for p in present if _ended(p, on)]
    if not ended:
        msg = (
            f"no period of the data ends on or before {on.isoformat()} "
            f"(periods: {', '.join(map(str, present))}); give a later date"
        )
        raise InputError(msg, source=observations.source, column="period")
    return ended[-1]


def _known_on(recognition: Recognition, on: dt.date) -> bool:
    """Whether a recognition was decided on or before ``on`` (undated: its year had ended)."""
    if recognition.decision_date is not None:
        return recognition.decision_date <= on
    if recognition.assessment_year is not None:
        return _ended(recognition.assessment_year, on)
    return False


def _years(editions: Sequence[RuleSet]) -> set[int]:
    """The years the editions are for: their plan period (``2021-2025``), else their validity."""
    out: set[int] = set()
    for edition in editions:
        out.update(_years_of(edition))
    return out


def _years_of(edition: RuleSet) -> range:
    span = re.fullmatch(r"(\d{4})-(\d{4})", edition.edition)
    if span:
        return range(int(span[1]), int(span[2]) + 1)
    end = edition.valid_to or edition.valid_from
    last = (end - dt.timedelta(days=1)).year if end > edition.valid_from else end.year
    return range(edition.valid_from.year, last + 1)


def _province_editions(book: Rulebook, scope: str) -> list[RuleSet]:
    """The province rule sets that decide a tier, of ``scope`` and of ``vn``."""
    return [
        e
        for e in book
        if e.level is RuleLevel.PROVINCE
        and e.purpose is RulePurpose.TIER
        and e.key.split(".")[0] in {"vn", scope}
    ]


def _conditions_on(book: Rulebook, year: int, scope: str) -> dt.date | None:
    """A day on which the province conditions of ``year``'s programme period are in force.

    The edition is the latest whose period holds the year; the day is the end of
    the year, moved into the edition's validity (2021 → 321's first day).
    """
    editions = [e for e in _province_editions(book, scope) if year in _years_of(e)]
    if not editions:
        return None
    edition = max(editions, key=lambda e: e.valid_from)
    day = max(dt.date(year, 12, 31), edition.valid_from)
    if edition.valid_to is not None:
        day = min(day, edition.valid_to - dt.timedelta(days=1))
    return day


def _targets_of(
    book: Rulebook, targets: Sequence[PlanTarget], year: int, scope: str
) -> list[PlanTarget]:
    """The targets of ``year``; an error naming the years that have targets or conditions."""
    conditions = _years(_province_editions(book, scope))
    program = program_target_years(book, scope)
    plan = {t.year for t in targets}
    if year not in conditions | program | plan:
        listed = ", ".join(map(str, sorted(conditions | program | plan))) or "none"
        msg = (
            f"no plan target, programme target or province condition is encoded for {year}; "
            f"years with some: {listed} (province conditions: {_span(conditions)}; "
            f"programme targets: {_span(program)}; plan targets: {_span(plan)})"
        )
        raise InputError(msg, column="target", value=year)
    return [t for t in targets if t.year == year]


def _span(years: set[int]) -> str:
    """``"2021–2030"`` for a run of years, else the years joined by commas, or ``"none"``."""
    ordered = sorted(years)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(map(str, ordered)) or "none"
