"""The scalar evaluator: one unit, exact numbers, the full explanation tree.

The ladder is compiled once per threshold selection (cached by its content
hash): each check's names, threshold, citation and provenance are resolved
then, so explaining a unit only reads its values and compares them exactly
(``Comparator.holds`` on fractions: this path is the batch path's reference).
Checks of missing and yes/no observations, immutable and with three possible
values, are built once and shared.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from ntm_core._core.vocabulary import Outcome, Tier
from ntm_core.engine._assessment import Assessment, CheckResult, CriterionResult, RungResult
from ntm_core.engine._ladder import Ladder, selections
from ntm_core.engine._observations import Observations, Value
from ntm_core.rules._conditions import AllOf, Check
from ntm_core.rules._model import Comparator, Criterion, Indicator, RuleSet, Selection, Threshold

__all__ = ["assess_row", "explain_row", "tier_from_rungs"]


def tier_from_rungs(outcomes: list[Outcome], tiers: tuple[Tier, ...]) -> tuple[Tier | None, Tier]:
    """``(tier, tier_at_least)`` from chained rung outcomes, lowest first.

    The tier is the highest rung met; it is ``None`` (unknown) when the next
    rung up is UNKNOWN, because the missing data could lift the unit to it.
    """
    met = 0
    while met < len(outcomes) and outcomes[met] is Outcome.MET:
        met += 1
    at_least = tiers[met - 1] if met else Tier.NOT_YET
    if met < len(outcomes) and outcomes[met] is Outcome.UNKNOWN:
        return None, at_least
    return at_least, at_least


def explain_row(
    ladder: Ladder,
    observations: Observations,
    row: int,
    *,
    selection: Selection | None = None,
    rules_hash: str = "",
) -> Assessment:
    """The full, explained assessment of one row of ``observations`` (the scalar path).

    Args:
        ladder: The editions to apply.
        observations: The rows.
        row: The row to explain.
        selection: The row's threshold selection; read from its attributes by default.
        rules_hash: The rules' content hash, recorded in the assessment.

    Raises:
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError` when the
            row's region or group cannot be read (only without ``selection``).

    .. versionadded:: 0.2.0
    """
    if selection is None:
        one = observations.select([row])
        return assess_row(ladder, one, 0, selections(one)[0], rules_hash=rules_hash)
    return assess_row(ladder, observations, row, selection, rules_hash=rules_hash)


@attrs.frozen(eq=False)
class _CheckPlan:
    """One indicator of one rung for one selection: everything but the observation."""

    key: str
    comparator: Comparator
    threshold: Fraction | bool | None
    fields: Mapping[str, Any]  # the CheckResult fields that do not depend on the unit
    # Missing and yes/no observations have three possible values, so their checks
    # (immutable) are built once and shared; numbers get a check of their own.
    shared: dict[bool | None, CheckResult] = attrs.field(factory=dict)

    @classmethod
    def of(cls, indicator: Indicator, threshold: Threshold | None) -> _CheckPlan:
        value = threshold.value if threshold is not None else None
        fields = {
            "key": indicator.key,
            "code": indicator.code,
            "name_vi": indicator.name_vi,
            "name_en": indicator.name_en,
            "unit": indicator.unit,
            "comparator": indicator.comparator.value,
            "threshold": value,
            "selectors": threshold.selector_map if threshold is not None else {},
            "citation": threshold.citation if threshold is not None else None,
            "provenance": threshold.provenance if threshold is not None else None,
        }
        return cls(
            key=indicator.key, comparator=indicator.comparator, threshold=value, fields=fields
        )

    def result(self, observed: Value | None) -> CheckResult:
        """The check of ``observed``: UNKNOWN without a value or a threshold."""
        shareable = observed is None or observed.__class__ is bool
        if shareable:
            found = self.shared.get(observed)  # type: ignore[arg-type]
            if found is not None:
                return found
        outcome = Outcome.UNKNOWN
        if observed is not None and self.threshold is not None:
            holds = self.comparator.holds(observed, self.threshold)
            outcome = Outcome.MET if holds else Outcome.NOT_MET
        made = CheckResult(observed=observed, outcome=outcome, **self.fields)
        if shareable:
            self.shared[observed] = made  # type: ignore[index]
        return made


@attrs.frozen(eq=False)
class _RungPlan:
    edition: RuleSet
    checks: Mapping[str, _CheckPlan]  # by key, in legal order (a repeated key: the last wins)
    # per criterion: the criterion, its check keys when its condition is "all of
    # these checks" (else None), and the keys of the checks it reports
    criteria: tuple[tuple[Criterion, tuple[str, ...] | None, tuple[str, ...]], ...]
    order: tuple[str, ...]  # every reported key, criterion by criterion
    provisional: bool  # a threshold of the rung is unverified or illustrative

    @classmethod
    def of(
        cls,
        edition: RuleSet,
        thresholds: Mapping[str, Threshold | None],
        indicators: Sequence[Indicator],
    ) -> _RungPlan:
        checks = {i.key: _CheckPlan.of(i, thresholds[i.key]) for i in indicators}
        criteria = []
        for criterion in edition.criteria:
            condition = criterion.condition
            default = None
            if type(condition) is AllOf and all(type(c) is Check for c in condition.children):
                default = tuple(c.key for c in condition.children)  # type: ignore[union-attr]
            criteria.append((criterion, default, tuple(i.key for i in criterion.indicators)))
        order = tuple(key for _, _, keys in criteria for key in keys)
        provisional = any(
            (p := checks[key].fields["provenance"]) is not None and not p.reliable for key in order
        )
        return cls(
            edition=edition,
            checks=checks,
            criteria=tuple(criteria),
            order=order,
            provisional=provisional,
        )

    def run(
        self, value_of: Callable[[str], Value | None], below: Outcome
    ) -> tuple[RungResult, Mapping[str, CheckResult]]:
        """The rung's result (``below`` is the outcome of the rung below) and its checks by key."""
        results = {key: plan.result(value_of(key)) for key, plan in self.checks.items()}
        criteria = []
        for criterion, default, keys in self.criteria:
            if default is not None:
                outcome = _all_of([results[key].outcome for key in default])
            else:
                outcome = criterion.condition.evaluate(lambda key: results[key].outcome)
            criteria.append(
                CriterionResult(
                    code=criterion.code,
                    name_vi=criterion.name_vi,
                    name_en=criterion.name_en,
                    outcome=outcome,
                    checks=tuple(results[key] for key in keys),
                )
            )
        own = _all_of([c.outcome for c in criteria])
        rung = RungResult(
            tier=self.edition.tier, edition=self.edition.id, outcome=below & own, criteria=criteria
        )
        return rung, results


def _all_of(seen: list[Outcome]) -> Outcome:
    """``Outcome.all_of`` (``in`` on a list compares members by identity first: no hashing)."""
    for decisive in (Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.MET):
        if decisive in seen:
            return decisive
    return Outcome.NOT_APPLICABLE


@attrs.frozen(eq=False)
class _ScalarPlan:
    rungs: tuple[_RungPlan, ...]
    recognition: _RungPlan | None


_PLANS: OrderedDict[tuple[str, Selection], _ScalarPlan] = OrderedDict()
_PLANS_SIZE = 64


def _scalar_plan(ladder: Ladder, selection: Selection) -> _ScalarPlan:
    """The ladder compiled for one selection (cached by the ladder's content hash)."""
    key = (ladder.content_hash, selection)
    plan = _PLANS.get(key)
    if plan is not None:
        _PLANS.move_to_end(key)
        return plan
    rungs = tuple(
        _RungPlan.of(e, ladder.thresholds(e, selection), ladder.indicators(e)) for e in ladder.rungs
    )
    recognition = None
    if ladder.recognition is not None:
        edition = ladder.recognition
        indicators = [i for _, i in edition.indicators()]
        recognition = _RungPlan.of(edition, ladder.thresholds(edition, selection), indicators)
    plan = _PLANS[key] = _ScalarPlan(rungs=rungs, recognition=recognition)
    if len(_PLANS) > _PLANS_SIZE:
        _PLANS.popitem(last=False)
    return plan


def assess_row(
    ladder: Ladder,
    observations: Observations,
    row: int,
    selection: Selection,
    *,
    rules_hash: str = "",
) -> Assessment:
    """The full, explained assessment of one row of ``observations``."""
    columns = observations.columns

    def value_of(key: str) -> Value | None:
        column = columns.get(key)
        return None if column is None else column.value(row)

    plan = _scalar_plan(ladder, selection)
    rungs: list[RungResult] = []
    checks: list[Mapping[str, CheckResult]] = []
    below = Outcome.MET
    for rung_plan in plan.rungs:
        rung, results = rung_plan.run(value_of, below)
        rungs.append(rung)
        checks.append(results)
        below = rung.outcome
    tier, at_least = tier_from_rungs([r.outcome for r in rungs], ladder.tiers)
    recognition = None
    if plan.recognition is not None and any(
        value_of(key) is not None for key in plan.recognition.checks
    ):
        recognition, _ = plan.recognition.run(value_of, Outcome.MET)
    missing: dict[str, None] = {}
    provisional = False
    deciding = True
    for rung_plan, rung, results in zip(plan.rungs, rungs, checks, strict=True):
        provisional = provisional or (deciding and rung_plan.provisional)
        deciding = deciding and rung.outcome is Outcome.MET
        for key in rung_plan.order:
            if results[key].observed is None:
                missing.setdefault(key)
    return Assessment(
        unit=observations.codes[row],
        name=observations.attribute("name", row),
        level=ladder.level,
        period=observations.periods[row],
        on=ladder.on,
        tier=tier,
        tier_at_least=at_least,
        rungs=rungs,
        recognition=recognition,
        missing=list(missing),
        provisional=provisional,
        rules=ladder.ids,
        rules_hash=rules_hash,
    )
