"""Province readiness: roll-ups, higher-level decisions, blocking analysis and targets.

The question coordination offices answer every year: *how close is the
province to its target, and what blocks it?* Communes are assessed on the
batch path; districts, towns and the province are then decided from their
own criteria **and** from the assessments of their children (Decision
320/QĐ-TTg: 100% of communes at standard, ≥10% advanced…; Decision
321/QĐ-TTg: 100% of districts, ≥40% of communes advanced…), with the
shares computed by array reductions over the administrative tree.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import math
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.vocabulary import Citation, Outcome, Provenance, RuleLevel, Tier
from ntm_core.admin import AdminLevel, AdminUnit
from ntm_core.engine._assessment import Assessment, CheckResult
from ntm_core.engine._batch import MET, NOT_MET, UNKNOWN, BatchResult, evaluate_batch
from ntm_core.engine._ladder import Ladder, selections
from ntm_core.engine._observations import Column, Observations, Value
from ntm_core.exceptions import DataError, InputError, InputErrors, RuleNotInForceError
from ntm_core.readiness._rollup import TierCounts, band_labels, parent_index, tier_counts
from ntm_core.rules._model import IndicatorKind, RuleSet
from ntm_core.rules._rulebook import Rulebook

__all__ = [
    "ConditionStatus",
    "LevelResult",
    "PlanTarget",
    "ProvinceReadiness",
    "ProvincesReadiness",
    "Recognition",
    "TargetProgress",
    "assess_province",
    "assess_provinces",
    "read_recognitions",
    "read_targets",
]

_COMMUNE_LEVELS = (AdminLevel.COMMUNE,)
_DISTRICT_LEVELS = (AdminLevel.DISTRICT,)
_TOWN_LEVELS = (AdminLevel.CITY, AdminLevel.TOWN)
_UNIT_LEVELS = {
    RuleLevel.COMMUNE: _COMMUNE_LEVELS,
    RuleLevel.DISTRICT: _DISTRICT_LEVELS,
    RuleLevel.TOWN: _TOWN_LEVELS,
}


@attrs.frozen(kw_only=True, eq=False)
class LevelResult:
    """The batch assessment of every unit of one level in the province.

    Attributes:
        level: The rule level.
        units: The administrative units assessed, aligned with the batch rows.
        batch: The batch result (``None`` when no edition is in force for the level).
        provisional: Per unit, whether a deciding threshold is unverified or illustrative.

    .. versionadded:: 0.1.0
    """

    level: RuleLevel
    units: tuple[AdminUnit, ...]
    batch: BatchResult | None
    provisional: npt.NDArray[np.bool_]

    @property
    def codes(self) -> tuple[str, ...]:
        """The unit codes, in row order."""
        return tuple(u.code for u in self.units)

    def tier_position(self, tier: Tier) -> int:
        """Index of ``tier`` in the batch's ``tier_at_least_index`` scale (-1 is *not yet*)."""
        if self.batch is None:
            return 0
        return self.batch.ladder.tiers.index(tier)

    def at_least(self, tier: Tier) -> npt.NDArray[np.bool_]:
        """Per unit: certainly at ``tier`` or above."""
        if self.batch is None or tier not in self.batch.ladder.tiers:
            return np.zeros(len(self.units), dtype=bool)
        return np.asarray(self.batch.tier_at_least_index >= self.tier_position(tier), dtype=bool)

    def maybe(self, tier: Tier) -> npt.NDArray[np.bool_]:
        """Per unit: not certainly at ``tier``, but missing data could put it there."""
        if self.batch is None or tier not in self.batch.ladder.tiers:
            return np.zeros(len(self.units), dtype=bool)
        unknown = self.batch.tier_index == -2
        return np.asarray(
            unknown & (self.batch.tier_at_least_index < self.tier_position(tier)), dtype=bool
        )

    def take(self, rows: Sequence[int]) -> LevelResult:
        """The result for the given rows only."""
        index = np.asarray(rows, dtype=np.intp)
        return LevelResult(
            level=self.level,
            units=tuple(self.units[i] for i in index.tolist()),
            batch=self.batch.take(index) if self.batch is not None else None,
            provisional=self.provisional[index],
        )

    def tiers(self) -> list[Tier | None]:
        """Tier per unit (``None`` when unknown)."""
        return self.batch.tiers() if self.batch is not None else [None] * len(self.units)


@attrs.frozen(kw_only=True)
class ConditionStatus:
    """One condition of the target tier: where the unit stands and the gap to close.

    .. versionadded:: 0.1.0
    """

    code: str
    name_vi: str
    name_en: str
    outcome: Outcome
    observed: Value | None
    threshold: Value | None
    unit: str | None
    gap: str | None
    gap_units: int | None
    citation: Citation | None
    provenance: Provenance | None


@attrs.frozen(kw_only=True)
class Recognition:
    """A recognition decision: a legal act, distinct from meeting the criteria.

    Attributes:
        unit: The unit's code.
        tier: The tier recognised.
        decision: The decision's number (``"525/QĐ-TTg"``).
        decision_date: The decision's date.
        assessment_year: The year the decision recognises (*đạt chuẩn năm X*),
            which may precede the decision date.

    .. versionadded:: 0.1.0
    """

    unit: str
    tier: Tier
    decision: str
    decision_date: dt.date | None
    assessment_year: int | None


@attrs.frozen(kw_only=True)
class PlanTarget:
    """A plan target: at least ``minimum`` of ``measure`` in ``year``.

    .. versionadded:: 0.1.0
    """

    year: int
    measure: str
    minimum: int
    label_vi: str
    label_en: str
    citation: Citation | None = None


@attrs.frozen(kw_only=True)
class TargetProgress:
    """A plan target beside the actual result, when the data can tell it.

    .. versionadded:: 0.1.0
    """

    target: PlanTarget
    actual: int | None
    met: bool | None


@attrs.frozen(kw_only=True, eq=False)
class ProvinceReadiness:
    """The readiness report of a province for a target year.

    .. versionadded:: 0.1.0
    """

    province: AdminUnit
    on: dt.date
    target_year: int | None
    period: int
    levels: Mapping[RuleLevel, LevelResult]
    province_assessment: Assessment | None
    conditions: tuple[ConditionStatus, ...]
    commune_counts: TierCounts
    district_counts: TierCounts
    recognitions: tuple[Recognition, ...]
    targets: tuple[TargetProgress, ...]
    rules: tuple[str, ...]
    rules_hash: str

    @property
    def communes(self) -> LevelResult:
        """Commune results."""
        return self.levels[RuleLevel.COMMUNE]

    def blocking(self) -> dict[str, list[AdminUnit]]:
        """Units that keep the province from its target.

        Districts not at standard, towns without *task completed*, communes not at standard.
        """
        out: dict[str, list[AdminUnit]] = {}
        for level, tier, name in (
            (RuleLevel.DISTRICT, Tier.STANDARD, "districts"),
            (RuleLevel.TOWN, Tier.TASK_COMPLETED, "towns"),
            (RuleLevel.COMMUNE, Tier.STANDARD, "communes"),
        ):
            result = self.levels.get(level)
            if result is None or result.batch is None:
                continue
            ok = result.at_least(tier)
            out[name] = [u for u, good in zip(result.units, ok, strict=True) if not good]
        return out

    def criteria_ranking(self, rung: int = 0) -> list[tuple[str, str, str, int, int]]:
        """Commune criteria ranked by how many communes fail them.

        Returns ``(code, name_vi, name_en, not met, unknown)`` tuples.
        """
        batch = self.communes.batch
        if batch is None or not batch.criterion_outcomes:
            return []
        edition = batch.ladder.rungs[rung]
        out = []
        for criterion in edition.criteria:
            codes = batch.criterion_outcomes[rung][criterion.code]
            not_met = int((codes == NOT_MET).sum())
            unknown = int((codes == UNKNOWN).sum())
            out.append((criterion.code, criterion.name_vi, criterion.name_en, not_met, unknown))
        return sorted(out, key=lambda r: (-r[3], -r[4], r[0]))

    def closest(
        self, tier: Tier = Tier.STANDARD, limit: int = 10
    ) -> list[tuple[AdminUnit, int, float]]:
        """Communes not yet at ``tier`` closest to it: fewest criteria missing, smallest shortfall.

        Returns ``(unit, criteria not met at that rung, relative shortfall)``; the
        relative shortfall adds, over the failing numeric checks, the absolute
        margin divided by the threshold.
        """
        result = self.communes
        batch = result.batch
        if batch is None or tier not in batch.ladder.tiers:
            return []
        rung = batch.ladder.tiers.index(tier)
        below = ~result.at_least(tier)
        if rung > 0:
            below &= result.at_least(batch.ladder.tiers[rung - 1])
        arrays = list(batch.criterion_outcomes[rung].values())
        if not arrays:
            return []
        missing = (np.stack(arrays) != MET).sum(axis=0)
        candidates = np.flatnonzero(below)
        if not len(candidates):
            return []
        order = candidates[np.argsort(missing[candidates], kind="stable")]
        # Every unit tied with the limit-th on criteria missing competes on shortfall.
        cutoff = missing[order[min(limit, len(order)) - 1]]
        order = order[missing[order] <= cutoff]
        ranked = []
        for row in order:
            assessment = batch.explain(batch.codes[int(row)], batch.observations.periods[int(row)])
            shortfall = 0.0
            for criterion in assessment.rungs[rung].criteria:
                for check in criterion.checks:
                    if check.outcome is Outcome.NOT_MET and check.margin is not None:
                        base = (
                            check.threshold
                            if isinstance(check.threshold, Fraction) and check.threshold
                            else 1
                        )
                        shortfall += float(abs(check.margin) / base)
            ranked.append((result.units[int(row)], int(missing[row]), shortfall))
        ranked.sort(key=lambda r: (r[1], r[2], r[0].code))
        return ranked[:limit]

    def recognised_status(self) -> list[tuple[AdminUnit, Tier | None, Recognition | None]]:
        """Per district-level unit and commune: the tier it surely meets, its latest recognition."""
        latest: dict[str, Recognition] = {}
        for item in sorted(self.recognitions, key=lambda r: r.decision_date or dt.date.min):
            latest[item.unit] = item
        out = []
        for level in (RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.COMMUNE):
            result = self.levels.get(level)
            if result is None:
                continue
            certain = (
                result.batch.tiers_at_least()
                if result.batch is not None
                else [None] * len(result.units)
            )
            for unit, tier in zip(result.units, certain, strict=True):
                out.append((unit, tier, latest.get(unit.code)))
        return out

    def meets_but_not_recognised(self) -> list[tuple[AdminUnit, Tier]]:
        """Units whose computed tier is above their recognised one.

        Only levels with at least one recognition on record are compared: where
        no decisions were given, there is nothing to compare with.
        """
        recorded = {r.unit for r in self.recognitions}
        levels_with_records = {
            level
            for level, result in self.levels.items()
            if any(u.code in recorded for u in result.units)
        }
        allowed = {u.code for level in levels_with_records for u in self.levels[level].units}
        out: list[tuple[AdminUnit, Tier]] = []
        for unit, tier, recognition in self.recognised_status():
            if unit.code not in allowed:
                continue
            if tier is None or tier is Tier.NOT_YET:
                continue
            recognised = recognition.tier if recognition is not None else Tier.NOT_YET
            try:
                above = tier > recognised
            except TypeError:
                above = False
            if above:
                out.append((unit, tier))
        return out

    def provenance_summary(self) -> dict[str, int]:
        """How many decisions (per level) depended on unverified or illustrative thresholds."""
        return {
            level.value: int(result.provisional.sum())
            for level, result in self.levels.items()
            if result.batch is not None
        }

    def band_labels(self) -> tuple[str, ...]:
        """Labels of the criteria-met bands used in the commune counts."""
        return band_labels(self.commune_counts.criteria_total)


def _observations_for(
    observations: Observations, units: Sequence[AdminUnit], period: int
) -> tuple[Observations, npt.NDArray[np.bool_]]:
    """Rows of ``units`` in ``period`` (units without data get no values); and which had data.

    A unit that did not exist yet in ``period`` (created by a later reform,
    even under an old code) gets no data: the figures describe another unit.
    """
    rows: dict[str, int] = {}
    for i, (code, p) in enumerate(zip(observations.codes, observations.periods, strict=True)):
        if p == period:
            rows[code] = i
    codes = [u.code for u in units]
    index = np.array(
        [
            rows.get(u.code, -1) if u.valid_from is None or u.valid_from.year <= period else -1
            for u in units
        ],
        dtype=np.intp,
    )
    has = index >= 0
    safe = np.where(has, index, 0)
    columns = {}
    for key, column in observations.columns.items():
        if not len(observations):
            continue
        taken = column.take(safe)
        columns[key] = attrs.evolve(taken, present=taken.present & has)
    attributes = {
        k: [v[int(i)] if i >= 0 else None for i in index]
        for k, v in observations.attributes.items()
    }
    out = Observations(
        codes=codes,
        periods=[period] * len(codes),
        columns=columns,
        attributes=attributes,
        source=observations.source,
    )
    return out, has


def _with_attributes(observations: Observations, units: Sequence[AdminUnit]) -> Observations:
    """Fill name, region, group and commune_kind from the units where the data lacks them."""
    attributes = {k: list(v) for k, v in observations.attributes.items()}
    for name in ("name", "region", "group", "commune_kind"):
        values = attributes.setdefault(name, [None] * len(units))
        for i, unit in enumerate(units):
            if values[i] is None:
                values[i] = unit.name if name == "name" else unit.attributes.get(name)
    return attrs.evolve(observations, attributes=attributes)


def _provisional(batch: BatchResult) -> npt.NDArray[np.bool_]:
    """Per row: whether a threshold of a deciding rung is unverified or illustrative."""
    n = len(batch)
    out = np.zeros(n, dtype=bool)
    ladder = batch.ladder
    distinct: dict[int, list[int]] = {}
    for row, selection in enumerate(batch.selections):
        distinct.setdefault(id(selection), []).append(row)
    next_rung = np.minimum(batch.tier_at_least_index + 1, len(ladder.rungs) - 1)
    for rows in distinct.values():
        selection = batch.selections[rows[0]]
        shaky = [
            any(
                t is not None and not t.provenance.reliable
                for t in ladder.thresholds(e, selection).values()
            )
            for e in ladder.rungs
        ]
        cumulative = np.cumsum(shaky) > 0
        idx = np.asarray(rows, dtype=np.intp)
        out[idx] = cumulative[next_rung[idx]]
    return out


def _assess_level(
    book: Rulebook,
    *,
    level: RuleLevel,
    units: Sequence[AdminUnit],
    observations: Observations,
    period: int,
    on: dt.date,
    scope: str,
    aggregates: Mapping[str, list[Fraction | None]] | None = None,
) -> LevelResult:
    try:
        ladder = Ladder.for_level(book, level=level, on=on, scope=scope)
    except RuleNotInForceError:
        return LevelResult(
            level=level,
            units=tuple(units),
            batch=None,
            provisional=np.zeros(len(units), dtype=bool),
        )
    rows, _ = _observations_for(observations, units, period)
    rows = _with_attributes(rows, units)
    if aggregates:
        columns = dict(rows.columns)
        for key, values in aggregates.items():
            observed = columns.get(key)
            merged: list[Fraction | bool | None] = []
            for i, value in enumerate(values):
                given = observed.value(i) if observed is not None else None
                merged.append(given if given is not None else value)
            columns[key] = Column.from_values(key, IndicatorKind.RATIO, merged)
        rows = attrs.evolve(rows, columns=columns)
    batch = evaluate_batch(ladder, rows, selections(rows), rules_hash=book.content_hash(ladder.ids))
    return LevelResult(
        level=level, units=tuple(units), batch=batch, provisional=_provisional(batch)
    )


def _share_column(
    index: npt.NDArray[np.intp], m: int, children: LevelResult, tier: Tier
) -> list[Fraction | None]:
    """Per parent: exact percent of children at ``tier`` or above.

    ``index`` holds each child's parent position (-1 for none), ``m`` the number
    of parents. ``None`` when children of unknown tier could change the share.
    """
    keep = index >= 0
    total = np.bincount(index[keep], minlength=m)
    certain = np.bincount(index[keep], weights=children.at_least(tier)[keep], minlength=m)
    maybe = np.bincount(index[keep], weights=children.maybe(tier)[keep], minlength=m)
    out: list[Fraction | None] = []
    for n, k, u in zip(total.tolist(), certain.tolist(), maybe.tolist(), strict=True):
        if n == 0:
            out.append(Fraction(100))  # vacuously all: no child of that kind
        elif u:
            out.append(None)
        else:
            out.append(Fraction(100 * int(k), int(n)))
    return out


def _aggregates(
    ladder_editions: Sequence[RuleSet],
    parents: Sequence[AdminUnit],
    children: Mapping[RuleLevel, tuple[LevelResult, Mapping[str, str | None]]],
) -> dict[str, list[Fraction | None]]:
    """The aggregate indicators of the editions, computed from the children's results."""
    out: dict[str, list[Fraction | None]] = {}
    codes = [p.code for p in parents]
    indexes: dict[RuleLevel, npt.NDArray[np.intp]] = {}
    for edition in ladder_editions:
        for _, indicator in edition.indicators():
            agg = indicator.aggregate
            if agg is None or indicator.key in out or agg.of not in children:
                continue
            result, parent_of = children[agg.of]
            if agg.of not in indexes:
                indexes[agg.of] = parent_index(result.codes, parent_of, codes)
            out[indicator.key] = _share_column(indexes[agg.of], len(codes), result, agg.tier)
    return out


def _ancestor_map(units: Sequence[AdminUnit], level_codes: set[str]) -> dict[str, str | None]:
    """Each unit's nearest ancestor among ``level_codes``."""
    parent = {u.code: u.parent_code for u in units}
    out: dict[str, str | None] = {}
    for unit in units:
        code = unit.parent_code
        seen = 0
        while code is not None and code not in level_codes and seen < 10:
            code = parent.get(code)
            seen += 1
        out[unit.code] = code if code in level_codes else None
    return out


def _gap(check: CheckResult, children: int | None, kind_name: str) -> tuple[str | None, int | None]:
    """A planner's gap: ``"31 more communes at advanced"`` or the shortfall in units."""
    if check.outcome is Outcome.MET or check.threshold is None or isinstance(check.threshold, bool):
        if check.outcome is Outcome.NOT_MET and isinstance(check.threshold, bool):
            return "not yet achieved", None
        return None, None
    if check.observed is None or isinstance(check.observed, bool):
        return None, None
    if children:
        needed = math.ceil(Fraction(check.threshold) * children / 100)
        have = math.floor(Fraction(check.observed) * children / 100 + Fraction(1, 10**9))
        more = max(needed - have, 0)
        return f"{more} more {kind_name}", more
    if check.margin is not None and check.margin < 0:
        return f"short by {float(-check.margin):g} {check.unit or ''}".rstrip(), None
    return None, None


def assess_province(
    observations: Observations,
    *,
    units: Sequence[AdminUnit],
    province: str,
    on: dt.date,
    period: int | None = None,
    target_year: int | None = None,
    rulebook: Rulebook | None = None,
    scope: str = "vn",
    recognitions: Sequence[Recognition] = (),
    targets: Sequence[PlanTarget] = (),
    history: Observations | None = None,
) -> ProvinceReadiness:
    """Assess a province's communes, districts, towns and the province itself.

    Args:
        observations: Indicator values for units of every level (communes,
            districts, towns, the province), by unit code and period.
        units: The administrative units existing on ``on`` (the tree as of that date).
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

    Raises:
        InputError: If the province is not among ``units`` or has no period to assess.

    .. versionadded:: 0.1.0
    """
    result = assess_provinces(
        observations,
        units=units,
        provinces=[province],
        on=on,
        period=period,
        target_year=target_year,
        rulebook=rulebook,
        scope=scope,
        recognitions=recognitions,
        targets=targets,
        history=history,
    )
    return result.reports[province]


@attrs.frozen(kw_only=True, eq=False)
class ProvincesReadiness:
    """Readiness reports for several provinces, assessed in one pass.

    Attributes:
        reports: Province code → its report.
        rollup_seconds: Time spent in the roll-ups (array reductions) of each
            period assessed, for benchmarks.

    .. versionadded:: 0.1.0
    """

    reports: Mapping[str, ProvinceReadiness]
    rollup_seconds: tuple[float, ...]


def assess_provinces(
    observations: Observations,
    *,
    units: Sequence[AdminUnit],
    on: dt.date,
    provinces: Sequence[str] | None = None,
    period: int | None = None,
    target_year: int | None = None,
    rulebook: Rulebook | None = None,
    scope: str = "vn",
    recognitions: Sequence[Recognition] = (),
    targets: Sequence[PlanTarget] = (),
    history: Observations | None = None,
) -> ProvincesReadiness:
    """Assess every province (or those named) in one pass: each level is evaluated once.

    Arguments as :func:`assess_province`; ``provinces`` defaults to every
    province-level unit in ``units``.

    Raises:
        InputError: If a named province is not among ``units``.

    .. versionadded:: 0.1.0
    """
    book = rulebook if rulebook is not None else Rulebook.bundled()
    by_code = {u.code: u for u in units}
    wanted = (
        list(provinces)
        if provinces is not None
        else sorted(u.code for u in units if u.level is AdminLevel.PROVINCE)
    )
    for code in wanted:
        if code not in by_code:
            msg = f"province {code!r} is not in the administrative tree on {on.isoformat()}"
            raise InputError(msg, column="province", value=code)
    if period is None:
        periods = sorted({p for p in observations.periods if p <= on.year}) or sorted(
            set(observations.periods)
        )
        if not periods:
            raise InputError("the observations are empty", source=observations.source)
        period = periods[-1]
    children: dict[str, list[AdminUnit]] = {}
    for unit in units:
        if unit.parent_code is not None:
            children.setdefault(unit.parent_code, []).append(unit)
    inside = {code: _descendants(children, code) for code in wanted}
    to_province = {u.code: code for code, members in inside.items() for u in members}
    everyone = [u for members in inside.values() for u in members]
    groups = {
        level: [u for u in everyone if u.level in kinds] for level, kinds in _UNIT_LEVELS.items()
    }
    heads = [by_code[code] for code in wanted]
    cache: dict[int, dict[RuleLevel, LevelResult]] = {}
    timings: list[float] = []

    def levels_of(year: int) -> dict[RuleLevel, LevelResult]:
        if year not in cache:
            data = observations if year == period else (history or observations)
            # An earlier period is judged by the rules in force at its end (1980 for 2021).
            when = on if year == period else min(on, dt.date(year, 12, 31))
            cache[year] = _assess_levels(
                book, data, heads, groups, to_province, year, when, scope, timings
            )
        return cache[year]

    all_levels = levels_of(period)
    rows: dict[RuleLevel, dict[str, list[int]]] = {}
    for level, result in all_levels.items():
        slots = rows.setdefault(level, {})
        for i, unit in enumerate(result.units):
            owner = unit.code if level is RuleLevel.PROVINCE else to_province.get(unit.code)
            if owner is not None:
                slots.setdefault(owner, []).append(i)
    periods_seen = set((history or observations).periods)
    reports = {}
    for code in wanted:
        levels = {level: all_levels[level].take(rows[level].get(code, [])) for level in all_levels}

        def levels_for(year: int, code: str = code) -> dict[RuleLevel, LevelResult]:
            found = levels_of(year)
            return {level: found[level].take(rows[level].get(code, [])) for level in found}

        reports[code] = _report(
            book,
            by_code[code],
            levels,
            inside[code],
            on,
            period,
            target_year,
            recognitions,
            _progress(targets, levels_for, periods_seen),
        )
    return ProvincesReadiness(reports=reports, rollup_seconds=tuple(timings))


def _report(  # noqa: PLR0917 - private; called from one place with all its context
    book: Rulebook,
    province: AdminUnit,
    levels: dict[RuleLevel, LevelResult],
    inside: Sequence[AdminUnit],
    on: dt.date,
    period: int,
    target_year: int | None,
    recognitions: Sequence[Recognition],
    targets: list[TargetProgress],
) -> ProvinceReadiness:
    groups = {
        level: [u for u in inside if u.level in kinds] for level, kinds in _UNIT_LEVELS.items()
    }
    communes = levels[RuleLevel.COMMUNE]
    commune_parent = _commune_parents(inside, groups)
    province_assessment = None
    conditions: list[ConditionStatus] = []
    p_result = levels.get(RuleLevel.PROVINCE)
    if p_result is not None and p_result.batch is not None and len(p_result.units):
        province_assessment = p_result.batch.explain(province.code, period)
        conditions = _conditions(province_assessment, p_result.batch.ladder, levels)
    rules = tuple(dict.fromkeys(i for r in levels.values() if r.batch for i in r.batch.ladder.ids))
    codes = {u.code for u in inside} | {province.code}
    return ProvinceReadiness(
        province=province,
        on=on,
        target_year=target_year,
        period=period,
        levels=levels,
        province_assessment=province_assessment,
        conditions=tuple(conditions),
        commune_counts=_counts(communes, communes.units, commune_parent, groups),
        district_counts=_district_counts(levels, groups),
        recognitions=tuple(r for r in recognitions if r.unit in codes),
        targets=tuple(targets),
        rules=rules,
        rules_hash=book.content_hash(rules),
    )


def _commune_parents(
    inside: Sequence[AdminUnit], groups: Mapping[RuleLevel, Sequence[AdminUnit]]
) -> dict[str, str | None]:
    """Each unit's district-level ancestor (district, town or provincial city)."""
    district_codes = {u.code for u in groups[RuleLevel.DISTRICT]} | {
        u.code for u in groups[RuleLevel.TOWN]
    }
    return _ancestor_map(list(inside), district_codes)


def _assess_levels(  # noqa: PLR0917 - private; called from one place with all its context
    book: Rulebook,
    observations: Observations,
    provinces: Sequence[AdminUnit],
    groups: Mapping[RuleLevel, Sequence[AdminUnit]],
    to_province: Mapping[str, str],
    period: int,
    on: dt.date,
    scope: str,
    timings: list[float],
) -> dict[RuleLevel, LevelResult]:
    """Communes, then districts and towns (with shares of their communes), then the provinces."""
    levels: dict[RuleLevel, LevelResult] = {}
    communes = _assess_level(
        book,
        level=RuleLevel.COMMUNE,
        units=groups[RuleLevel.COMMUNE],
        observations=observations,
        period=period,
        on=on,
        scope=scope,
    )
    levels[RuleLevel.COMMUNE] = communes
    inside = [u for units in groups.values() for u in units]
    commune_parent = _commune_parents(inside, groups)
    spent = 0.0
    for level in (RuleLevel.DISTRICT, RuleLevel.TOWN):
        parents = groups[level]
        try:
            ladder = Ladder.for_level(book, level=level, on=on, scope=scope)
            start = time.perf_counter()
            aggregates = _aggregates(
                ladder.rungs, parents, {RuleLevel.COMMUNE: (communes, commune_parent)}
            )
            spent += time.perf_counter() - start
        except RuleNotInForceError:
            aggregates = {}
        levels[level] = _assess_level(
            book,
            level=level,
            units=parents,
            observations=observations,
            period=period,
            on=on,
            scope=scope,
            aggregates=aggregates,
        )
    try:
        p_ladder = Ladder.for_level(book, level=RuleLevel.PROVINCE, on=on, scope=scope)
    except RuleNotInForceError:
        timings.append(spent)
        return levels
    start = time.perf_counter()
    children = {level: (levels[level], to_province) for level in levels}
    aggregates = _aggregates(p_ladder.rungs, provinces, children)
    spent += time.perf_counter() - start
    timings.append(spent)
    levels[RuleLevel.PROVINCE] = _assess_level(
        book,
        level=RuleLevel.PROVINCE,
        units=provinces,
        observations=observations,
        period=period,
        on=on,
        scope=scope,
        aggregates=aggregates,
    )
    return levels


def _descendants(children: Mapping[str, Sequence[AdminUnit]], root: str) -> list[AdminUnit]:
    """Every unit below ``root``, shallowest first, then by code."""
    out: list[AdminUnit] = []
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            out.append(child)
            stack.append(child.code)
    return sorted(out, key=lambda u: (u.level.rank, u.code))


def _counts(
    communes: LevelResult,
    commune_units: Sequence[AdminUnit],
    parent_of: Mapping[str, str | None],
    groups: Mapping[RuleLevel, Sequence[AdminUnit]],
) -> TierCounts:
    """Commune counts per district-level unit, plus the province total as the last parent."""
    parents = [u.code for u in (*groups[RuleLevel.DISTRICT], *groups[RuleLevel.TOWN])]
    parents.sort()
    batch = communes.batch
    n = len(commune_units)
    index = parent_index([u.code for u in commune_units], parent_of, parents)
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
    all_parents = [*parents, "total"]
    everyone = np.full(n, len(parents), dtype=np.intp)
    return tier_counts(
        parents=all_parents,
        index=np.concatenate([index, everyone]),
        tier_at_least=np.concatenate([at_least, at_least]),
        tier_unknown=np.concatenate([unknown, unknown]),
        criteria_met=np.concatenate([met, met]),
        criteria_total=total,
        ladder=ladder,
    )


def _district_counts(
    levels: Mapping[RuleLevel, LevelResult], groups: Mapping[RuleLevel, Sequence[AdminUnit]]
) -> TierCounts:
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


_KIND_NAMES = {
    RuleLevel.COMMUNE: "communes",
    RuleLevel.DISTRICT: "districts",
    RuleLevel.TOWN: "towns and cities",
}


def _conditions(
    assessment: Assessment, ladder: Ladder, levels: Mapping[RuleLevel, LevelResult]
) -> list[ConditionStatus]:
    edition = ladder.rungs[0]
    aggregates = {i.key: i.aggregate for _, i in edition.indicators() if i.aggregate is not None}
    out = []
    for criterion in assessment.rungs[0].criteria:
        for check in criterion.checks:
            agg = aggregates.get(check.key)
            children = len(levels[agg.of].units) if agg is not None and agg.of in levels else None
            name = f"{_KIND_NAMES.get(agg.of, 'units')} at {agg.tier.label('en')}" if agg else ""
            gap, gap_units = _gap(check, children, name)
            out.append(
                ConditionStatus(
                    code=criterion.code,
                    name_vi=criterion.name_vi,
                    name_en=criterion.name_en,
                    outcome=check.outcome,
                    observed=check.observed,
                    threshold=check.threshold,
                    unit=check.unit,
                    gap=gap,
                    gap_units=gap_units,
                    citation=check.citation,
                    provenance=check.provenance,
                )
            )
    return out


_MEASURES = {
    "communes_standard": (RuleLevel.COMMUNE, Tier.STANDARD),
    "communes_advanced": (RuleLevel.COMMUNE, Tier.ADVANCED),
    "communes_model": (RuleLevel.COMMUNE, Tier.MODEL),
    "districts_standard": (RuleLevel.DISTRICT, Tier.STANDARD),
    "districts_advanced": (RuleLevel.DISTRICT, Tier.ADVANCED),
    "province_task_completed": (RuleLevel.PROVINCE, Tier.TASK_COMPLETED),
}


def _progress(
    targets: Sequence[PlanTarget],
    levels_of: Callable[[int], Mapping[RuleLevel, LevelResult]],
    periods: set[int],
) -> list[TargetProgress]:
    """Compare the units that reached a tier in a target year (from the data) with the targets."""
    out = []
    for target in targets:
        spec = _MEASURES.get(target.measure)
        actual = None
        if spec is not None and target.year in periods and (target.year - 1) in periods:
            level, tier = spec
            now = levels_of(target.year).get(level)
            before = levels_of(target.year - 1).get(level)
            # A tier no rule set decided in the year before (advanced in 2021) has no increase.
            decided = [r is not None and r.batch is not None and tier in r.batch.ladder.tiers
                       for r in (now, before)]  # fmt: skip
            if all(decided) and now is not None and before is not None:
                actual = int((now.at_least(tier) & ~before.at_least(tier)).sum())
        met = None if actual is None else actual >= target.minimum
        out.append(TargetProgress(target=target, actual=actual, met=met))
    return out


def read_recognitions(path: str | Path) -> list[Recognition]:
    """Read recognition decisions from a CSV.

    Columns: ``unit_code, tier, decision, decision_date, assessment_year``.

    Raises:
        DataError: If the file cannot be read.
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError` for bad rows.
    """
    import csv
    import io

    from ntm_core._core.tables import decode as _decode

    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise DataError(f"cannot read: {err.strerror}", source=source) from None
    text = _decode(data, source)
    out = []
    problems: list[Exception] = []
    for row_number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            tier = Tier.from_text(row.get("tier", ""))
            date_text = (row.get("decision_date") or "").strip()
            year_text = (row.get("assessment_year") or "").strip()
            out.append(
                Recognition(
                    unit=(row.get("unit_code") or "").strip(),
                    tier=tier,
                    decision=(row.get("decision") or "").strip(),
                    decision_date=dt.date.fromisoformat(date_text) if date_text else None,
                    assessment_year=int(year_text) if year_text else None,
                )
            )
        except ValueError as err:
            problems.append(InputError(str(err), source=source, row=row_number))
    if problems:
        raise InputErrors(f"{source}: bad recognition rows", problems)
    return out


def read_targets(path: str | Path) -> list[PlanTarget]:
    """Read plan targets from TOML.

    Each ``[[targets]]`` table has ``year, measure, minimum, label_vi, label_en``, ``citation``.

    Raises:
        DataError: If the file cannot be read or a target is malformed.
    """
    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise DataError(f"cannot read targets: {err}", source=source) from None
    out = []
    for i, item in enumerate(data.get("targets", [])):
        try:
            citation = item.get("citation")
            out.append(
                PlanTarget(
                    year=int(item["year"]),
                    measure=str(item["measure"]),
                    minimum=int(item["minimum"]),
                    label_vi=str(item["label_vi"]),
                    label_en=str(item["label_en"]),
                    citation=Citation.from_mapping(citation) if citation else None,
                )
            )
        except (KeyError, TypeError, ValueError) as err:
            raise DataError(f"targets[{i}]: {err}", source=source) from None
    return out
