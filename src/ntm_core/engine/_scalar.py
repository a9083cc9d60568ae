"""The scalar evaluator: one unit, exact numbers, the full explanation tree."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ntm_core._core.vocabulary import Outcome, Tier
from ntm_core.engine._assessment import Assessment, CheckResult, CriterionResult, RungResult
from ntm_core.engine._ladder import Ladder, selections
from ntm_core.engine._observations import Observations, Value
from ntm_core.rules._conditions import AllOf, Check
from ntm_core.rules._model import Indicator, RuleSet, Selection, Threshold

__all__ = ["assess_row", "check", "evaluate_rung", "explain_row", "tier_from_rungs"]


def check(indicator: Indicator, observed: Value | None, threshold: Threshold | None) -> CheckResult:
    """Compare one observation with its threshold (``None`` when unknown)."""
    value = threshold.value if threshold is not None else None
    outcome = Outcome.UNKNOWN
    if observed is not None and value is not None:
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
        selectors=threshold.selector_map if threshold is not None else {},
        citation=threshold.citation if threshold is not None else None,
        provenance=threshold.provenance if threshold is not None else None,
        outcome=outcome,
    )


def evaluate_rung(
    edition: RuleSet,
    value_of: Callable[[str], Value | None],
    thresholds: Mapping[str, Threshold | None],
    *,
    below: Outcome = Outcome.MET,
    indicators: Sequence[Indicator] | None = None,
) -> RungResult:
    """Evaluate one edition for one unit; ``below`` is the outcome of the rung below.

    ``thresholds`` maps each indicator key to the threshold that applies to
    the unit (see :meth:`Ladder.thresholds`).
    """
    listed = indicators if indicators is not None else [i for _, i in edition.indicators()]
    checks = {i.key: check(i, value_of(i.key), thresholds[i.key]) for i in listed}
    criteria = []
    for criterion in edition.criteria:
        condition = criterion.condition
        if type(condition) is AllOf and all(type(c) is Check for c in condition.children):
            # the default "all indicators" condition, without walking the tree
            outcome = Outcome.all_of(checks[c.key].outcome for c in condition.children)  # type: ignore[union-attr]
        else:
            outcome = condition.evaluate(lambda key: checks[key].outcome)
        criteria.append(
            CriterionResult(
                code=criterion.code,
                name_vi=criterion.name_vi,
                name_en=criterion.name_en,
                outcome=outcome,
                checks=[checks[i.key] for i in criterion.indicators],
            )
        )
    own = Outcome.all_of(c.outcome for c in criteria)
    return RungResult(tier=edition.tier, edition=edition.id, outcome=below & own, criteria=criteria)


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


def assess_row(
    ladder: Ladder,
    observations: Observations,
    row: int,
    selection: Selection,
    *,
    rules_hash: str = "",
) -> Assessment:
    """The full, explained assessment of one row of ``observations``."""

    def value_of(key: str) -> Value | None:
        return observations.value(key, row)

    rungs: list[RungResult] = []
    below = Outcome.MET
    for edition in ladder.rungs:
        rung = evaluate_rung(
            edition,
            value_of,
            ladder.thresholds(edition, selection),
            below=below,
            indicators=ladder.indicators(edition),
        )
        rungs.append(rung)
        below = rung.outcome
    tier, at_least = tier_from_rungs([r.outcome for r in rungs], ladder.tiers)
    recognition = None
    if ladder.recognition is not None and any(
        key in observations.columns and observations.value(key, row) is not None
        for _, key in ((c, i.key) for c, i in ladder.recognition.indicators())
    ):
        recognition = evaluate_rung(
            ladder.recognition, value_of, ladder.thresholds(ladder.recognition, selection)
        )
    missing: dict[str, None] = {}
    deciding = []
    for rung in rungs:
        deciding.append(rung)
        if rung.outcome is not Outcome.MET:
            break
    for rung in rungs:
        for item in rung.checks():
            if item.missing:
                missing.setdefault(item.key)
    provisional = any(
        item.provenance is not None and not item.provenance.reliable
        for rung in deciding
        for item in rung.checks()
    )
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
