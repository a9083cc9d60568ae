"""The plan: the fewest communes, and what to close in each, that complete a unit's conditions.

A province's (or district's, or town's) conditions for its next tier are
shares of units at a tier (100% of districts at standard, ≥40% of communes
advanced…) and its own indicators. A share of communes is changed by lifting
communes; a share of districts or towns by lifting the communes those need,
when the district or town fails on its communes only. The plan:

1. For every unmet condition, how many more units must reach the tier (the
   least count whose share passes the threshold, exactly).
2. Candidates ranked by criteria missing, then by total normalised shortfall
   (a numeric check's shortfall over its threshold; a yes/no or missing value
   counts 1), and the cheapest taken until the count is reached, communes
   already in the plan first (they add no unit).
3. Conditions no commune can change (the province's own indicators, a town
   failing its own criteria, a threshold nobody knows) are listed with the
   reason, and the plan says it is incomplete.

The choice is greedy: it is the smallest set for each condition on its own,
and in practice for all together, but not proven minimal when conditions
overlap. :meth:`Plan.scenario` is the plan as a :class:`Scenario` of
"meet these criteria at threshold" edits: applying it and assessing again
meets every condition the plan covers.

.. versionadded:: 0.3.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs
import numpy as np

from ntm_core._core.display import Lang, check_lang, html_table, short_repr, unit_text
from ntm_core._core.numbers import json_exact, number_text
from ntm_core._core.optional import require
from ntm_core._core.vocabulary import Outcome, RuleLevel, Tier
from ntm_core.admin import AdminUnit
from ntm_core.engine import CheckResult, CriterionResult
from ntm_core.exceptions import InputError
from ntm_core.readiness import LevelResult, ProvinceReadiness
from ntm_core.rules import Comparator, RuleSet
from ntm_core.scenarios._edits import Edit, Scenario, Units

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Plan", "PlanCondition", "PlanStep", "Shortfall", "plan"]


@attrs.frozen(kw_only=True)
class Shortfall:
    """One check a unit must close: its value, the threshold, and the gap.

    Attributes:
        tier: The rung whose criterion it belongs to.
        criterion: The criterion's code.
        criterion_en: The criterion's English name.
        criterion_vi: The criterion's Vietnamese name.
        key: The indicator key.
        code: The indicator's legal code.
        unit: The canonical unit (``None`` for yes/no).
        comparator: How the value is compared.
        observed: The value now (``None``: missing).
        threshold: The value to reach.
        gap: How far to move (threshold minus observed, signed), ``None``
            for yes/no or missing values.

    .. versionadded:: 0.3.0
    """

    tier: Tier | None
    criterion: str
    criterion_en: str
    criterion_vi: str
    key: str
    code: str
    unit: str | None
    comparator: str
    observed: Fraction | bool | None
    threshold: Fraction | bool | None
    gap: Fraction | None

    @property
    def normalised(self) -> float:
        """The gap over the threshold (0.1 is 10% short); 1 for yes/no or missing values."""
        if self.gap is None or not isinstance(self.threshold, Fraction):
            return 1.0
        return float(abs(self.gap) / (abs(self.threshold) or 1))

    def text(self, *, lang: Lang = "en") -> str:
        """``"income_per_capita (10): 39.5 → 41 million VND/person/year (+1.5)"``."""
        unit = unit_text(self.unit, lang=check_lang(lang))
        if isinstance(self.threshold, bool) or self.threshold is None:
            target = ("có" if lang == "vi" else "yes") if self.threshold else "—"
            now = _plain(self.observed) or "—"
            return f"{self.key} ({self.code}): {now} → {target}"
        now = "—" if not isinstance(self.observed, Fraction) else number_text(self.observed)
        gap = "" if self.gap is None else f" ({'+' if self.gap > 0 else ''}{number_text(self.gap)})"
        sep = "" if unit in {"", "%"} else " "
        return f"{self.key} ({self.code}): {now} → {number_text(self.threshold)}{sep}{unit}{gap}"


def _shortfalls(value: Iterable[Shortfall]) -> tuple[Shortfall, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class PlanStep:
    """One commune of the plan: the tier to reach and every check to close on the way.

    .. versionadded:: 0.3.0
    """

    unit: str
    name: str
    parent: str | None
    before: Tier | None
    target: Tier
    shortfalls: tuple[Shortfall, ...] = attrs.field(converter=_shortfalls)

    @property
    def criteria(self) -> tuple[tuple[Tier | None, str], ...]:
        """The (rung tier, criterion code) pairs to meet, in order."""
        return tuple(dict.fromkeys((s.tier, s.criterion) for s in self.shortfalls))

    @property
    def criteria_missing(self) -> int:
        """How many criteria (per rung) the commune must still meet."""
        return len(self.criteria)

    @property
    def shortfall(self) -> float:
        """The total normalised shortfall (see :attr:`Shortfall.normalised`)."""
        return sum(s.normalised for s in self.shortfalls)


@attrs.frozen(kw_only=True)
class PlanCondition:
    """One condition of the target's next tier, and whether communes can meet it.

    Attributes:
        code: The condition's (criterion's) code.
        name_vi: Its Vietnamese name.
        name_en: Its English name.
        outcome: Its outcome now.
        level: The level whose units it counts (``None``: the unit's own indicator).
        tier: The tier those units must reach.
        more: How many more units must reach it (``None``: not a share).
        changeable: Whether lifting communes meets it.
        reason: Why it cannot be met by communes, when it cannot.

    .. versionadded:: 0.3.0
    """

    code: str
    name_vi: str
    name_en: str
    outcome: Outcome
    level: RuleLevel | None
    tier: Tier | None
    more: int | None
    changeable: bool
    reason: str | None = None


def _steps(value: Iterable[PlanStep]) -> tuple[PlanStep, ...]:
    return tuple(value)


def _conditions(value: Iterable[PlanCondition]) -> tuple[PlanCondition, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Plan:
    """Which communes to lift, on which criteria, so that a unit meets its next tier's conditions.

    Attributes:
        unit: The province, district or town planned for.
        level: Its level.
        on: The date whose rules apply.
        period: The assessment year of the data.
        tier: The tier the plan aims at (``None``: already at the top).
        conditions: The target tier's conditions that are not met now.
        steps: The communes to lift, in the order chosen.
        synthetic: The data are synthetic (a sample).

    .. versionadded:: 0.3.0
    """

    unit: AdminUnit
    level: RuleLevel
    on: dt.date
    period: int
    tier: Tier | None
    conditions: tuple[PlanCondition, ...] = attrs.field(converter=_conditions)
    steps: tuple[PlanStep, ...] = attrs.field(converter=_steps)
    synthetic: bool = False

    def __repr__(self) -> str:
        return short_repr(
            "Plan",
            ("unit", self.unit.code),
            ("tier", self.tier.value if self.tier else None),
            ("on", self.on.isoformat()),
            ("communes", len(self.steps)),
            ("conditions", len(self.conditions)),
            ("complete", self.complete),
        )

    @property
    def complete(self) -> bool:
        """Whether lifting the plan's communes meets every unmet condition."""
        return all(c.changeable for c in self.conditions)

    @property
    def exists(self) -> bool:
        """True when at least one unmet condition can be changed by lifting communes."""
        return any(c.changeable for c in self.conditions)

    def scenario(self) -> Scenario:
        """The plan as a scenario: each step's criteria met exactly at threshold, in its commune."""
        edits = [
            Edit.meet_criterion(code, tier=tier, units=Units(codes=[step.unit]))
            for step in self.steps
            for tier, code in step.criteria
        ]
        return Scenario(edits=edits, name=f"plan for {self.unit.code}")

    def to_rows(self, *, lang: Lang = "en") -> list[dict[str, object]]:
        """One record per check to close: commune, tier, criterion, indicator, now, goal, gap."""
        lang = check_lang(lang)
        return [
            {
                "unit": step.unit,
                "name": step.name,
                "target": step.target.label(lang),
                "tier": s.tier.value if s.tier else "",
                "criterion": s.criterion,
                "criterion_name": s.criterion_vi if lang == "vi" else s.criterion_en,
                "indicator": s.key,
                "code": s.code,
                "observed": _plain(s.observed),
                "threshold": _plain(s.threshold),
                "gap": _plain(s.gap),
                "unit_of_measure": unit_text(s.unit, lang=lang),
            }
            for step in self.steps
            for s in step.shortfalls
        ]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready plan (exact numbers as strings)."""
        return {
            "schema": "ntm_core.plan/1",
            "unit": self.unit.code,
            "name": self.unit.name,
            "level": self.level.value,
            "on": self.on.isoformat(),
            "period": self.period,
            "tier": self.tier.value if self.tier else None,
            "complete": self.complete,
            "synthetic": self.synthetic,
            "conditions": [
                {
                    "code": c.code,
                    "name_en": c.name_en,
                    "outcome": c.outcome.value,
                    "level": c.level.value if c.level else None,
                    "tier": c.tier.value if c.tier else None,
                    "more": c.more,
                    "changeable": c.changeable,
                    "reason": c.reason,
                }
                for c in self.conditions
            ],
            "steps": [
                {
                    "unit": step.unit,
                    "name": step.name,
                    "parent": step.parent,
                    "before": step.before.value if step.before else None,
                    "target": step.target.value,
                    "criteria_missing": step.criteria_missing,
                    "shortfall": round(step.shortfall, 6),
                    "shortfalls": [
                        {
                            "tier": s.tier.value if s.tier else None,
                            "criterion": s.criterion,
                            "indicator": s.key,
                            "code": s.code,
                            "comparator": s.comparator,
                            "observed": json_exact(s.observed),
                            "threshold": json_exact(s.threshold),
                            "gap": json_exact(s.gap),
                            "unit": s.unit,
                        }
                        for s in step.shortfalls
                    ],
                }
                for step in self.steps
            ],
        }

    def to_text(self, *, lang: Lang = "en") -> str:
        """The plan as lines: the conditions, then each commune with its criteria and gaps."""
        lang = check_lang(lang)
        vi = lang == "vi"
        tier = self.tier.label(lang) if self.tier else "—"
        lines = [
            f"Kế hoạch cho {self.unit.name} ({self.unit.code}) đạt {tier}, "
            f"ngày {self.on.isoformat()}, số liệu năm {self.period}"
            if vi
            else f"Plan for {self.unit.name} ({self.unit.code}) to reach {tier} "
            f"on {self.on.isoformat()} (data of {self.period})"
        ]
        if self.synthetic:
            lines.append("Số liệu: MẪU TỔNG HỢP." if vi else "Values: SYNTHETIC (a sample).")
        if self.tier is None:
            lines.append(
                "Đã ở hạng cao nhất." if vi else "Already at the top tier: nothing to plan."
            )
            return "\n".join(lines)
        if not self.conditions:
            lines.append(
                "Mọi điều kiện đã đạt." if vi else "Every condition is met: nothing to plan."
            )
            return "\n".join(lines)
        lines.append("Điều kiện chưa đạt:" if vi else "Conditions not met:")
        for c in self.conditions:
            name = c.name_vi if vi else c.name_en
            if c.changeable:
                what = (
                    f"{c.more} more {_KINDS.get(c.level, 'units') if c.level else 'units'} "
                    f"at {c.tier.label(lang) if c.tier else ''}"
                    if c.more is not None
                    else ""
                )
                lines.append(
                    f"  {c.code} {name}: {what} — "
                    + ("xã có thể đạt" if vi else "communes can meet it")
                )
            else:
                lines.append(
                    f"  {c.code} {name}: "
                    + ("không xã nào thay đổi được" if vi else "no commune can change it")
                    + f" ({c.reason})"
                )
        if not self.exists:
            lines.append(
                "Không có kế hoạch: không điều kiện nào do xã thay đổi được."
                if vi
                else "No plan exists: no unmet condition can be changed by communes."
            )
            return "\n".join(lines)
        lines.append(f"Nâng {len(self.steps)} xã:" if vi else f"Lift {len(self.steps)} communes:")
        for step in self.steps:
            lines.append(
                f"  {step.unit} {step.name} → {step.target.label(lang)}: "
                f"{step.criteria_missing} {'tiêu chí' if vi else 'criteria'}, "
                f"{'thiếu hụt' if vi else 'shortfall'} {step.shortfall:.3f}"
            )
            lines.extend(
                f"    [{s.tier.value if s.tier else ''}] {s.criterion} "
                f"{s.criterion_vi if vi else s.criterion_en}: {s.text(lang=lang)}"
                for s in step.shortfalls
            )
        if not self.complete:
            lines.append(
                "Kế hoạch chưa đủ: còn điều kiện không do xã thay đổi được."
                if vi
                else "The plan is incomplete: some conditions cannot be changed by communes."
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per check to close (see :meth:`to_rows`)."""
        pandas = require("pandas", feature="Plan.to_frame()")
        columns = [
            "unit", "name", "target", "tier", "criterion", "criterion_name", "indicator",
            "code", "observed", "threshold", "gap", "unit_of_measure",
        ]  # fmt: skip
        frame: pd.DataFrame = pandas.DataFrame(self.to_rows(), columns=columns)
        return frame

    def _repr_html_(self) -> str:
        rows = self.to_rows()
        header = [
            "unit",
            "name",
            "target",
            "criterion",
            "indicator",
            "observed",
            "threshold",
            "gap",
        ]
        caption = (
            f"Plan for {self.unit.name} ({self.unit.code}) on {self.on.isoformat()}: "
            f"{len(self.steps)} communes; {'complete' if self.complete else 'incomplete'}"
            + (" — SYNTHETIC data" if self.synthetic else "")
        )
        return html_table(header, ([r[h] for h in header] for r in rows), caption=caption, limit=60)


_KINDS = {
    RuleLevel.COMMUNE: "communes",
    RuleLevel.DISTRICT: "districts",
    RuleLevel.TOWN: "towns and cities",
}


def _plain(value: Fraction | bool | None) -> str:  # noqa: FBT001 - a converter
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return number_text(value)


# -- the search


@attrs.frozen(kw_only=True)
class _Demand:
    pool: tuple[int, ...]  # commune rows
    tier: Tier
    count: int  # communes of the pool that must be at tier or above


_Lift = tuple[list[_Demand], str | None]  # the demands, or a reason it cannot be done


class _Planner:
    def __init__(self, report: ProvinceReadiness) -> None:
        self.report = report
        self.levels = report.levels
        communes = report.levels[RuleLevel.COMMUNE]
        self.communes = communes
        self.by_parent: dict[str, list[int]] = {}
        for row, unit in enumerate(communes.units):
            if unit.parent_code is not None:
                self.by_parent.setdefault(unit.parent_code, []).append(row)
        self.tiers = (
            (Tier.NOT_YET, *communes.batch.ladder.tiers) if communes.batch else (Tier.NOT_YET,)
        )
        self.cache: dict[tuple[int, Tier], PlanStep | None] = {}

    # the commune side

    def commune_level(self, row: int) -> int:
        batch = self.communes.batch
        return int(batch.tier_at_least_index[row]) + 1 if batch is not None else 0

    def step(self, row: int, tier: Tier) -> PlanStep | None:
        """What commune ``row`` must close to reach ``tier``; ``None`` if a threshold is unknown."""
        key = (row, tier)
        if key in self.cache:
            return self.cache[key]
        batch = self.communes.batch
        unit = self.communes.units[row]
        found: PlanStep | None = None
        if batch is not None and tier in batch.ladder.tiers:
            assessment = batch.explain_row(row)
            top = batch.ladder.tiers.index(tier)
            shortfalls: list[Shortfall] = []
            possible = True
            for rung in assessment.rungs[: top + 1]:
                for criterion in rung.criteria:
                    if criterion.outcome in {Outcome.MET, Outcome.NOT_APPLICABLE}:
                        continue
                    for check in criterion.checks:
                        if check.outcome is Outcome.MET:
                            continue
                        if check.threshold is None:
                            possible = False
                        shortfalls.append(_shortfall(rung.tier, criterion, check))
            if possible:
                found = PlanStep(
                    unit=unit.code,
                    name=unit.name,
                    parent=unit.parent_code,
                    before=batch.tiers()[row],
                    target=tier,
                    shortfalls=shortfalls,
                )
        self.cache[key] = found
        return found

    # the unit side

    def unit_lift(self, level: RuleLevel, row: int, tier: Tier) -> _Lift:
        """The commune demands that bring a district or town to ``tier``, or why none can."""
        result = self.levels[level]
        batch = result.batch
        if batch is None or tier not in batch.ladder.tiers:
            return [], f"no {level.value} rules reach {tier.value}"
        assessment = batch.explain_row(row)
        code = result.units[row].code
        demands: list[_Demand] = []
        for index, rung in enumerate(assessment.rungs[: batch.ladder.tiers.index(tier) + 1]):
            edition = batch.ladder.rungs[index]
            for criterion in rung.criteria:
                if criterion.outcome in {Outcome.MET, Outcome.NOT_APPLICABLE}:
                    continue
                for check in criterion.checks:
                    if check.outcome is Outcome.MET:
                        continue
                    aggregate = edition.indicator(check.key).aggregate
                    if aggregate is None or aggregate.of is not RuleLevel.COMMUNE:
                        return (
                            [],
                            f"{result.units[row].name} fails its own criterion {criterion.code}",
                        )
                    pool = tuple(self.by_parent.get(code, ()))
                    count = _needed(check, len(pool))
                    if count is None:
                        return [], f"{criterion.code}: threshold unknown or out of reach"
                    demands.append(_Demand(pool=pool, tier=aggregate.tier, count=count))
        return demands, None


def _shortfall(tier: Tier | None, criterion: CriterionResult, check: CheckResult) -> Shortfall:
    gap = None
    if isinstance(check.observed, Fraction) and isinstance(check.threshold, Fraction):
        gap = check.threshold - check.observed
    return Shortfall(
        tier=tier,
        criterion=criterion.code,
        criterion_en=criterion.name_en,
        criterion_vi=criterion.name_vi,
        key=check.key,
        code=check.code,
        unit=check.unit,
        comparator=check.comparator,
        observed=check.observed,
        threshold=check.threshold,
        gap=gap,
    )


def _needed(check: CheckResult, total: int) -> int | None:
    """The least number of units (of ``total``) whose share passes the check, exactly."""
    threshold = check.threshold
    if threshold is None or isinstance(threshold, bool) or total == 0:
        return None
    comparator = Comparator(check.comparator)
    for k in range(total + 1):
        if comparator.holds(Fraction(100 * k, total), threshold):
            return k
    return None


def plan(
    report: ProvinceReadiness,
    *,
    unit: str | None = None,
) -> Plan:
    """The fewest communes, and the criteria to close in each, that meet a unit's next tier.

    Args:
        report: A readiness report (:func:`~ntm_core.readiness.assess_province`).
        unit: The province (default: the report's), or one of its districts or towns.

    Raises:
        InputError: If ``unit`` is not a province, district or town of the report.

    .. versionadded:: 0.3.0
    """
    code = unit if unit is not None else report.province.code
    level, result, row = _find(report, code)
    planner = _Planner(report)
    target = result.units[row]
    batch = result.batch
    if batch is None:
        msg = f"no {level.value} rules are in force on {report.on.isoformat()} for {code!r}"
        raise InputError(msg, column="unit", value=code)
    rung = int(batch.tier_at_least_index[row]) + 1
    base = {"unit": target, "level": level, "on": report.on, "period": report.period,
            "synthetic": report.labels.synthetic}  # fmt: skip
    if rung >= len(batch.ladder.tiers):
        return Plan(tier=None, conditions=(), steps=(), **base)  # type: ignore[arg-type]
    tier = batch.ladder.tiers[rung]
    assessment = batch.explain_row(row)
    edition = batch.ladder.rungs[rung]
    conditions: list[PlanCondition] = []
    demands: list[_Needs] = []
    for criterion in assessment.rungs[rung].criteria:
        if criterion.outcome in {Outcome.MET, Outcome.NOT_APPLICABLE}:
            continue
        for check in criterion.checks:
            if check.outcome is Outcome.MET:
                continue
            condition, needs = _condition(planner, report, level, code, criterion, check, edition)
            conditions.append(condition)
            if needs is not None:
                demands.append(needs)
    steps = _choose(planner, demands)
    return Plan(tier=tier, conditions=conditions, steps=steps, **base)  # type: ignore[arg-type]


def _find(report: ProvinceReadiness, code: str) -> tuple[RuleLevel, LevelResult, int]:
    for level in (RuleLevel.PROVINCE, RuleLevel.DISTRICT, RuleLevel.TOWN):
        result = report.levels.get(level)
        if result is None:
            continue
        for row, unit in enumerate(result.units):
            if unit.code == code:
                return level, result, row
    msg = (
        f"{code!r} is not the province or one of its districts or towns in the report of "
        f"{report.province.code} on {report.on.isoformat()}"
    )
    raise InputError(msg, column="unit", value=code)


_Needs = tuple[int, list[list[_Demand]]]  # how many options to satisfy, and the options


def _condition(  # noqa: PLR0917 - private; one call site with its whole context
    planner: _Planner,
    report: ProvinceReadiness,
    level: RuleLevel,
    code: str,
    criterion: CriterionResult,
    check: CheckResult,
    edition: RuleSet,
) -> tuple[PlanCondition, _Needs | None]:
    aggregate = edition.indicator(check.key).aggregate

    def status(
        *, more: int | None = None, changeable: bool = False, reason: str | None = None
    ) -> PlanCondition:
        return PlanCondition(
            code=criterion.code,
            name_vi=criterion.name_vi,
            name_en=criterion.name_en,
            outcome=check.outcome,
            level=aggregate.of if aggregate is not None else None,
            tier=aggregate.tier if aggregate is not None else None,
            more=more,
            changeable=changeable,
            reason=reason,
        )

    if aggregate is None:
        return status(reason="an indicator of the unit itself"), None
    children = report.levels.get(aggregate.of)
    if children is None or children.batch is None:
        return status(reason=f"no {aggregate.of.value} results"), None
    if level is RuleLevel.PROVINCE:
        rows = list(range(len(children.units)))
    else:
        rows = [i for i, u in enumerate(children.units) if u.parent_code == code]
    needed = _needed(check, len(rows))
    if needed is None:
        return status(reason="its threshold is unknown, or no share of the units passes it"), None
    at_least = children.at_least(aggregate.tier)
    more = max(needed - int(np.count_nonzero(at_least[rows])), 0)
    if aggregate.of is RuleLevel.COMMUNE:
        options = [
            [_Demand(pool=(r,), tier=aggregate.tier, count=1)] for r in rows if not at_least[r]
        ]
        return status(more=more, changeable=True), (more, options)
    options = []
    reasons = []
    for r in rows:
        if at_least[r]:
            continue
        lift, why = planner.unit_lift(aggregate.of, r, aggregate.tier)
        if why is None:
            options.append(lift)
        else:
            reasons.append(why)
    if len(options) < more:
        return status(more=more, reason="; ".join(reasons)), None
    return status(more=more, changeable=True), (more, options)


def _choose(planner: _Planner, conditions: Sequence[_Needs]) -> list[PlanStep]:
    """Greedy: for each condition, the cheapest options until enough units are lifted."""
    chosen: dict[int, Tier] = {}

    def reached(row: int, tier: Tier) -> bool:
        now = planner.tiers[planner.commune_level(row)]
        lifted = chosen.get(row)
        return planner.tiers.index(now) >= planner.tiers.index(tier) or (
            lifted is not None and planner.tiers.index(lifted) >= planner.tiers.index(tier)
        )

    def cost(demands: Sequence[_Demand]) -> tuple[int, int, float] | None:
        new_units = 0
        missing = 0
        short = 0.0
        for demand in demands:
            lacking = [r for r in demand.pool if not reached(r, demand.tier)]
            done = len(demand.pool) - len(lacking)
            picks = []
            for r in lacking:
                step = planner.step(r, demand.tier)
                if step is None:
                    continue
                picks.append((r not in chosen, step.criteria_missing, step.shortfall, r))
            picks.sort()
            if done + len(picks) < demand.count:
                return None
            for fresh, m, s, _ in picks[: max(demand.count - done, 0)]:
                new_units += fresh
                missing += m
                short += s
        return new_units, missing, short

    def take(demands: Sequence[_Demand]) -> None:
        for demand in demands:
            lacking = [r for r in demand.pool if not reached(r, demand.tier)]
            done = len(demand.pool) - len(lacking)
            picks = []
            for r in lacking:
                step = planner.step(r, demand.tier)
                if step is not None:
                    picks.append((r not in chosen, step.criteria_missing, step.shortfall, r))
            picks.sort()
            for *_, r in picks[: max(demand.count - done, 0)]:
                chosen[r] = demand.tier

    # conditions on districts and towns first: they force whole sets of communes
    ordered = sorted(
        conditions, key=lambda c: all(len(o) == 1 and len(o[0].pool) == 1 for o in c[1])
    )
    for more, options in ordered:
        done = 0
        remaining = list(options)
        while done < more and remaining:
            satisfied = [o for o in remaining if all(_satisfied(d, reached) for d in o)]
            if satisfied:
                done += 1
                remaining.remove(satisfied[0])
                continue
            scored = [(cost(o), i) for i, o in enumerate(remaining)]
            feasible = [(c, i) for c, i in scored if c is not None]
            if not feasible:
                break
            _, best = min(feasible)
            take(remaining.pop(best))
            done += 1
    steps = []
    for row, tier in chosen.items():
        step = planner.step(row, tier)
        if step is not None:
            steps.append(step)
    return steps


def _satisfied(demand: _Demand, reached: Callable[[int, Tier], bool]) -> bool:
    return sum(bool(reached(r, demand.tier)) for r in demand.pool) >= demand.count
