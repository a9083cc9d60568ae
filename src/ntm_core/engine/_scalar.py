"""The scalar evaluator: one unit, exact numbers, the full explanation tree.

The ladder is compiled once per threshold selection (cached by its content
hash): each check's names, threshold, citation and provenance are resolved
then, and each numeric threshold is split into its integer numerator and
denominator. Explaining a unit reads each of its values once, as an exact
integer ratio ``a/b`` (a column's scaled integer over its scale), and decides
every check by one comparison of Python integers, ``a*q`` against ``p*b``
for a threshold ``p/q`` (both denominators positive, so exact; this path is
the batch path's reference, and a test holds it to ``Comparator.holds`` on
fractions). Yes/no values, exact-fraction columns and any other pairing are
compared by ``Comparator.holds`` itself.

The explanation tree (criteria, checks with names, citations and fractions)
is built only when a rung's criteria are first read
(:class:`~ntm_core.engine._assessment.DeferredCriteria`): deciding the tier,
the missing observations and the provisional flag needs none of it. Checks
of missing and yes/no observations, immutable and with three possible values,
are built once and shared.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeAlias

import attrs

from ntm_core._core.vocabulary import Outcome, Tier
from ntm_core.engine._assessment import (
    Assessment,
    CheckResult,
    CriterionResult,
    DeferredCriteria,
    RungResult,
)
from ntm_core.engine._ladder import Ladder, selection_of
from ntm_core.engine._observations import Column, Observations, Value
from ntm_core.rules._conditions import AllOf, Check
from ntm_core.rules._model import (
    Comparator,
    Criterion,
    Indicator,
    IndicatorKind,
    RuleSet,
    Selection,
    Threshold,
)

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
        selection = selection_of(observations, row)
    return assess_row(ladder, observations, row, selection, rules_hash=rules_hash)


Reading: TypeAlias = tuple[int, int] | bool | None
"""One observation as read for deciding: ``(a, b)`` for the number ``a/b`` (``b > 0``),
a yes/no value, or ``None`` when it was not observed."""

_MET, _NOT_MET, _UNKNOWN = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN
_OPERATORS: Mapping[Comparator, Callable[[int, int], bool]] = {
    Comparator.GE: operator.ge,
    Comparator.GT: operator.gt,
    Comparator.LE: operator.le,
    Comparator.LT: operator.lt,
    Comparator.EQ: operator.eq,
}


def _exact(reading: Reading) -> Value | None:
    """The exact value of a reading (a fraction, a yes/no value, or ``None``)."""
    if reading.__class__ is tuple:
        num, den = reading
        return Fraction(num, den)
    return reading  # type: ignore[return-value]


def _read(column: Column | None, row: int) -> Reading:
    """The reading of ``row`` in ``column``: its scaled integer over the scale, no fraction made."""
    if column is None or not column.present[row]:
        return None
    scaled = column.scaled
    if scaled is not None:
        stored = scaled.item(row)
        if column.kind is IndicatorKind.BOOLEAN:
            return bool(stored)
        scale = column.scale
        if stored.__class__ is int and scale > 0:  # compare it as it is stored: b must be > 0
            return stored, scale
    value = column.value(row)  # exact per-row fractions, or a storage not read above
    return (value.numerator, value.denominator) if isinstance(value, Fraction) else value


@attrs.frozen(eq=False)
class _CheckPlan:
    """One indicator of one rung for one selection: everything but the observation."""

    key: str
    comparator: Comparator
    threshold: Fraction | bool | None
    fields: Mapping[str, Any]  # the CheckResult fields that do not depend on the unit
    # The threshold p/q as integers for the cross-multiplied comparison; None
    # when it is yes/no or unknown (then Comparator.holds decides, or nothing).
    numerator: int | None
    denominator: int
    operator: Callable[[int, int], bool]
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
        numeric = value is not None and not isinstance(value, bool)
        return cls(
            key=indicator.key,
            comparator=indicator.comparator,
            threshold=value,
            fields=fields,
            numerator=value.numerator if numeric else None,  # type: ignore[union-attr]
            denominator=value.denominator if numeric else 1,  # type: ignore[union-attr]
            operator=_OPERATORS[indicator.comparator],
        )

    def outcome(self, reading: Reading) -> Outcome:
        """The check's outcome by ``Comparator.holds`` on the exact values.

        UNKNOWN without a value or a threshold. ``_RungPlan.run`` decides the
        common cases (a number against a number, yes/no against ``== yes/no``)
        with integers and calls this for the rest; tests hold the two equal.
        """
        if reading is None or self.threshold is None:
            return _UNKNOWN
        held = self.comparator.holds(_exact(reading), self.threshold)  # type: ignore[arg-type]
        return _MET if held else _NOT_MET

    def result(self, reading: Reading, outcome: Outcome) -> CheckResult:
        """The check of ``reading``, whose outcome is already decided."""
        shareable = reading is None or reading.__class__ is bool
        if shareable:
            found = self.shared.get(reading)  # type: ignore[arg-type]
            if found is not None:
                return found
        made = CheckResult(observed=_exact(reading), outcome=outcome, **self.fields)
        if shareable:
            self.shared[reading] = made  # type: ignore[index]
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
    edition_id: str
    # per check: key, plan, the threshold p/q with its comparison when it is a
    # number, and the yes/no threshold of an ``==`` check (the common cases,
    # decided inline in ``run``)
    leaves: tuple[
        tuple[str, _CheckPlan, int | None, int, Callable[[int, int], bool], bool | None], ...
    ]

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
            edition_id=edition.id,
            leaves=tuple(
                (
                    key,
                    plan,
                    plan.numerator,
                    plan.denominator,
                    plan.operator,
                    plan.threshold
                    if plan.comparator is Comparator.EQ and isinstance(plan.threshold, bool)
                    else None,
                )
                for key, plan in checks.items()
            ),
        )

    def run(self, readings: Mapping[str, Reading], below: Outcome) -> RungResult:
        """The rung's result (``below`` is the outcome of the rung below).

        The outcomes are decided now; the criteria and checks are built when
        they are first read.
        """
        outcomes: dict[str, Outcome] = {}
        for key, plan, numerator, denominator, compare, yes_no in self.leaves:
            reading = readings[key]
            if numerator is not None and reading.__class__ is tuple:
                # num/den OP p/q  <=>  num*q OP p*den, both denominators being positive
                num, den = reading
                held = compare(num * denominator, numerator * den)
                outcomes[key] = _MET if held else _NOT_MET
            elif yes_no is not None and reading.__class__ is bool:
                outcomes[key] = _MET if reading is yes_no else _NOT_MET
            else:
                outcomes[key] = plan.outcome(reading)
        decided = []
        for criterion, default, _ in self.criteria:
            if default is not None:
                decided.append(_all_of([outcomes[key] for key in default]))
            else:
                decided.append(criterion.condition.evaluate(outcomes.__getitem__))
        own = _all_of(decided)
        criteria = tuple(decided)

        def build() -> tuple[CriterionResult, ...]:
            return self.build(readings, outcomes, criteria)

        return RungResult(
            tier=self.edition.tier,
            edition=self.edition_id,
            outcome=below & own,
            criteria=DeferredCriteria(build, criteria),
        )

    def build(
        self,
        readings: Mapping[str, Reading],
        outcomes: Mapping[str, Outcome],
        decided: tuple[Outcome, ...],
    ) -> tuple[CriterionResult, ...]:
        """The criteria and their checks, from the readings and the outcomes decided."""
        results = {
            key: plan.result(readings[key], outcomes[key]) for key, plan in self.checks.items()
        }
        return tuple(
            CriterionResult(
                code=criterion.code,
                name_vi=criterion.name_vi,
                name_en=criterion.name_en,
                outcome=outcome,
                checks=tuple(results[key] for key in keys),
            )
            for (criterion, _, keys), outcome in zip(self.criteria, decided, strict=True)
        )


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
    keys: tuple[str, ...]  # every indicator key read, once
    tiers: tuple[Tier, ...]  # the ladder's, which depend on its editions only (as the cache key)
    ids: tuple[str, ...]
    reported: tuple[str, ...]  # the rungs' reported keys, once each, in order (for ``missing``)


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
    every = (*rungs, *((recognition,) if recognition is not None else ()))
    keys = dict.fromkeys(k for r in every for k in (*r.checks, *r.order))
    reported = dict.fromkeys(k for r in rungs for k in r.order)
    plan = _PLANS[key] = _ScalarPlan(
        rungs=rungs,
        recognition=recognition,
        keys=tuple(keys),
        tiers=ladder.tiers,
        ids=ladder.ids,
        reported=tuple(reported),
    )
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
    """The full, explained assessment of one row of ``observations``.

    The tier, the outcomes, the missing observations and the provisional flag
    are decided now; each rung's criteria and checks are built when first read.
    """
    plan = _scalar_plan(ladder, selection)
    columns = observations.columns
    readings = {key: _read(columns.get(key), row) for key in plan.keys}
    rungs: list[RungResult] = []
    below = Outcome.MET
    for rung_plan in plan.rungs:
        rung = rung_plan.run(readings, below)
        rungs.append(rung)
        below = rung.outcome
    tier, at_least = tier_from_rungs([r.outcome for r in rungs], plan.tiers)
    recognition = None
    if plan.recognition is not None and any(
        readings[key] is not None for key in plan.recognition.checks
    ):
        recognition = plan.recognition.run(readings, Outcome.MET)
    provisional = False
    deciding = True
    for rung_plan, rung in zip(plan.rungs, rungs, strict=True):
        provisional = provisional or (deciding and rung_plan.provisional)
        deciding = deciding and rung.outcome is Outcome.MET
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
        missing=[key for key in plan.reported if readings[key] is None],
        provisional=provisional,
        rules=plan.ids,
        rules_hash=rules_hash,
    )
