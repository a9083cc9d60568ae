"""The batch evaluator: the same decisions as the scalar path, for many units at once.

Outcomes are ``int8`` codes (see ``CODES``); comparisons are exact
cross-multiplications of integer numerators and denominators, in int64
when the magnitudes allow it and in Python integers otherwise, so the batch
path gives the same answers as the scalar path at every threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.vocabulary import Outcome, Tier
from ntm_core.engine._assessment import Assessment
from ntm_core.engine._ladder import Ladder
from ntm_core.engine._observations import Column, Observations
from ntm_core.engine._scalar import assess_row
from ntm_core.rules._conditions import AllOf, AnyOf, AtLeast, Check, Condition, Not, When
from ntm_core.rules._model import Comparator, Indicator, RuleSet, Selection, Threshold

__all__ = ["CODES", "BatchResult", "evaluate_batch"]

Codes = npt.NDArray[np.int8]

NOT_MET, MET, UNKNOWN, NA = np.int8(0), np.int8(1), np.int8(2), np.int8(3)
CODES = {Outcome.NOT_MET: 0, Outcome.MET: 1, Outcome.UNKNOWN: 2, Outcome.NOT_APPLICABLE: 3}
"""The ``int8`` code of each outcome in batch arrays."""
_OUTCOMES = {v: k for k, v in CODES.items()}
_SAFE = 2**62


def _and(arrays: Sequence[Codes], n: int) -> Codes:
    if not arrays:
        return np.full(n, NA, dtype=np.int8)
    stack = np.stack(arrays)
    return np.where(
        (stack == NOT_MET).any(axis=0),
        NOT_MET,
        np.where(
            (stack == UNKNOWN).any(axis=0), UNKNOWN, np.where((stack == MET).any(axis=0), MET, NA)
        ),
    ).astype(np.int8)


def _or(arrays: Sequence[Codes], n: int) -> Codes:
    if not arrays:
        return np.full(n, NA, dtype=np.int8)
    stack = np.stack(arrays)
    return np.where(
        (stack == MET).any(axis=0),
        MET,
        np.where(
            (stack == UNKNOWN).any(axis=0),
            UNKNOWN,
            np.where((stack == NOT_MET).any(axis=0), NOT_MET, NA),
        ),
    ).astype(np.int8)


def _not(a: Codes) -> Codes:
    return np.where(a == MET, NOT_MET, np.where(a == NOT_MET, MET, a)).astype(np.int8)


def _at_least(k: int, arrays: Sequence[Codes]) -> Codes:
    stack = np.stack(arrays)
    met = (stack == MET).sum(axis=0)
    unknown = (stack == UNKNOWN).sum(axis=0)
    applicable = (stack != NA).sum(axis=0)
    out = np.where(met >= k, MET, np.where(met + unknown < k, NOT_MET, UNKNOWN))
    return np.where(applicable == 0, NA, out).astype(np.int8)


def _when(gate: Codes, then: Codes) -> Codes:
    unknown_gate = np.where((then == MET) | (then == NA), then, UNKNOWN)
    out = np.where(gate == MET, then, unknown_gate)
    return np.where((gate == NOT_MET) | (gate == NA), NA, out).astype(np.int8)


def evaluate_condition(condition: Condition, leaves: dict[str, Codes], n: int) -> Codes:
    """Evaluate a condition tree over outcome arrays (the batch twin of ``Condition.evaluate``)."""
    if isinstance(condition, Check):
        return leaves[condition.key]
    if isinstance(condition, AllOf):
        return _and([evaluate_condition(c, leaves, n) for c in condition.children], n)
    if isinstance(condition, AnyOf):
        return _or([evaluate_condition(c, leaves, n) for c in condition.children], n)
    if isinstance(condition, AtLeast):
        return _at_least(
            condition.k, [evaluate_condition(c, leaves, n) for c in condition.children]
        )
    if isinstance(condition, Not):
        return _not(evaluate_condition(condition.child, leaves, n))
    assert isinstance(condition, When)  # noqa: S101 - Condition is a closed union
    return _when(leaves[condition.applies], evaluate_condition(condition.then, leaves, n))


def _magnitude(array: npt.NDArray[np.int64] | npt.NDArray[np.object_]) -> int:
    """The largest absolute value in an integer array (0 when empty)."""
    if not len(array):
        return 0
    if array.dtype == object:
        return max(abs(int(v)) for v in array)
    return int(max(abs(int(array.max())), abs(int(array.min()))))


def _compare(  # noqa: PLR0917 - private, on the hot path
    comparator: Comparator,
    num: npt.NDArray[np.int64] | npt.NDArray[np.object_],
    den: npt.NDArray[np.int64] | npt.NDArray[np.object_],
    t_num: list[int],
    t_den: list[int],
    groups: npt.NDArray[np.intp],
) -> npt.NDArray[np.bool_]:
    """Exact ``num/den <cmp> t_num[g]/t_den[g]`` by cross-multiplication (denominators > 0).

    int64 is used when no product can overflow; otherwise Python integers.
    """
    bound = max(_magnitude(num), _magnitude(den), *map(abs, t_num), *t_den)
    dtype: type = np.int64 if bound * bound < _SAFE else object
    tn: npt.NDArray[Any] = np.asarray(t_num, dtype=dtype)[groups]
    td: npt.NDArray[Any] = np.asarray(t_den, dtype=dtype)[groups]
    left = num.astype(dtype, copy=False) * td
    right = tn * den.astype(dtype, copy=False)
    result = {
        Comparator.GE: left >= right,
        Comparator.LE: left <= right,
        Comparator.GT: left > right,
        Comparator.LT: left < right,
        Comparator.EQ: left == right,
    }[comparator]
    return np.asarray(result, dtype=bool)


def _leaf(
    indicator: Indicator,
    column: Column | None,
    groups: npt.NDArray[np.intp],
    thresholds: Sequence[Threshold | None],
    n: int,
) -> Codes:
    """Outcome codes of one indicator for every row (``thresholds`` per selection group)."""
    t_num: list[int] = []
    t_den: list[int] = []
    known: list[bool] = []
    for threshold in thresholds:
        value = threshold.value if threshold is not None else None
        exact = Fraction(int(value)) if isinstance(value, bool) else value
        t_num.append(exact.numerator if exact is not None else 0)
        t_den.append(exact.denominator if exact is not None else 1)
        known.append(exact is not None)
    out = np.full(n, UNKNOWN, dtype=np.int8)
    if column is None:
        return out
    decidable = column.present & np.asarray(known, dtype=bool)[groups]
    if not decidable.any():
        return out
    rows = np.flatnonzero(decidable)
    holds = _compare(
        indicator.comparator, column.num[rows], column.den[rows], t_num, t_den, groups[rows]
    )
    out[rows] = np.where(holds, MET, NOT_MET)
    return out


def _rung(
    ladder: Ladder,
    edition: RuleSet,
    observations: Observations,
    groups: npt.NDArray[np.intp],
    selections: Sequence[Selection],
) -> tuple[Codes, dict[str, Codes]]:
    """The edition's own outcome codes and its criteria's codes."""
    n = len(observations)
    resolved = [ladder.thresholds(edition, s) for s in selections]
    leaves = {
        i.key: _leaf(i, observations.columns.get(i.key), groups, [r[i.key] for r in resolved], n)
        for i in ladder.indicators(edition)
    }
    criteria = {c.code: evaluate_condition(c.condition, leaves, n) for c in edition.criteria}
    return _and(list(criteria.values()), n), criteria


@attrs.frozen(kw_only=True, eq=False)
class BatchResult:
    """Tiers and criterion outcomes for every row of an :class:`Observations`.

    Arrays are aligned with ``observations`` rows. Full explanations are
    built lazily, on the scalar path, for the units asked about.

    Attributes:
        ladder: The editions applied.
        observations: The rows assessed.
        selections: The threshold selection of each row.
        rung_outcomes: Per rung, the chained outcome codes (see ``CODES``).
        criterion_outcomes: Per rung, criterion code → outcome codes.
        tier_index: Index into ``ladder.tiers`` of the tier reached, -1 for
            *not yet*, -2 when unknown.
        tier_at_least_index: Like ``tier_index`` but never unknown.
        rules_hash: Content hash of the rules applied.

    .. versionadded:: 0.1.0
    """

    ladder: Ladder
    observations: Observations
    selections: tuple[Selection, ...]
    rung_outcomes: tuple[Codes, ...]
    criterion_outcomes: tuple[dict[str, Codes], ...]
    tier_index: npt.NDArray[np.int64]
    tier_at_least_index: npt.NDArray[np.int64]
    rules_hash: str = ""

    def __len__(self) -> int:
        return len(self.observations)

    @property
    def codes(self) -> tuple[str, ...]:
        """The unit code of each row."""
        return self.observations.codes

    def tiers(self) -> list[Tier | None]:
        """The tier of each row (``None`` when unknown)."""
        tiers = self.ladder.tiers
        return [
            None if i == -2 else (Tier.NOT_YET if i == -1 else tiers[i])
            for i in self.tier_index.tolist()
        ]

    def tiers_at_least(self) -> list[Tier]:
        """The tier each row certainly reaches."""
        tiers = self.ladder.tiers
        return [Tier.NOT_YET if i < 0 else tiers[i] for i in self.tier_at_least_index.tolist()]

    def outcomes(self, rung: int = 0) -> list[Outcome]:
        """Outcome of each row at a rung (0: the lowest, the NTM standard)."""
        return [_OUTCOMES[int(c)] for c in self.rung_outcomes[rung]]

    def criterion_outcomes_of(self, row: int, rung: int = 0) -> dict[str, Outcome]:
        """Criterion code → outcome of one row at a rung."""
        return {code: _OUTCOMES[int(a[row])] for code, a in self.criterion_outcomes[rung].items()}

    def criteria_met(self, rung: int = 0) -> npt.NDArray[np.int64]:
        """How many criteria of a rung each row meets."""
        arrays = list(self.criterion_outcomes[rung].values())
        if not arrays:
            return np.zeros(len(self), dtype=np.int64)
        counts: npt.NDArray[np.int64] = (np.stack(arrays) == MET).sum(axis=0).astype(np.int64)
        return counts

    def take(self, rows: Sequence[int] | npt.NDArray[np.intp]) -> BatchResult:
        """The result for the given rows only (same ladder and rules)."""
        index = np.asarray(rows, dtype=np.intp)
        return BatchResult(
            ladder=self.ladder,
            observations=self.observations.select(index),
            selections=tuple(self.selections[i] for i in index.tolist()),
            rung_outcomes=tuple(a[index] for a in self.rung_outcomes),
            criterion_outcomes=tuple(
                {k: a[index] for k, a in c.items()} for c in self.criterion_outcomes
            ),
            tier_index=self.tier_index[index],
            tier_at_least_index=self.tier_at_least_index[index],
            rules_hash=self.rules_hash,
        )

    def explain(self, code: str, period: int | None = None) -> Assessment:
        """The full assessment of one unit (built now, on the scalar path).

        Raises:
            KeyError: If the unit is not among the rows.
        """
        row = self.observations.row_of(code, period)
        return assess_row(
            self.ladder, self.observations, row, self.selections[row], rules_hash=self.rules_hash
        )

    def assessments(self) -> list[Assessment]:
        """Every row's full assessment (slow: one scalar evaluation per row)."""
        return [
            assess_row(
                self.ladder,
                self.observations,
                row,
                self.selections[row],
                rules_hash=self.rules_hash,
            )
            for row in range(len(self))
        ]


def evaluate_batch(
    ladder: Ladder,
    observations: Observations,
    selections: Sequence[Selection],
    *,
    rules_hash: str = "",
) -> BatchResult:
    """Decide every row's tier on the batch path."""
    n = len(observations)
    # selections() hands out one object per distinct selection: group by identity
    # (cheap), keeping one representative per group.
    distinct: dict[int, int] = {}
    unique: list[Selection] = []
    codes = []
    for s in selections:
        group = distinct.get(id(s))
        if group is None:
            group = distinct[id(s)] = len(unique)
            unique.append(s)
        codes.append(group)
    groups = np.asarray(codes, dtype=np.intp).reshape(n)
    rung_outcomes: list[Codes] = []
    criterion_outcomes: list[dict[str, Codes]] = []
    below = np.full(n, MET, dtype=np.int8)
    for edition in ladder.rungs:
        own, criteria = _rung(ladder, edition, observations, groups, unique)
        below = _and([below, own], n)
        rung_outcomes.append(below)
        criterion_outcomes.append(criteria)
    met_count = np.zeros(n, dtype=np.int64)
    still = np.ones(n, dtype=bool)
    for outcome in rung_outcomes:
        still &= outcome == MET
        met_count += still
    at_least = met_count - 1
    tier_index = at_least.copy()
    m = len(rung_outcomes)
    if m:
        nxt = np.minimum(met_count, m - 1)
        next_codes = np.stack(rung_outcomes)[nxt, np.arange(n)]
        tier_index = np.where((met_count < m) & (next_codes == UNKNOWN), -2, at_least)
    return BatchResult(
        ladder=ladder,
        observations=observations,
        selections=tuple(selections),
        rung_outcomes=tuple(rung_outcomes),
        criterion_outcomes=tuple(criterion_outcomes),
        tier_index=tier_index,
        tier_at_least_index=at_least,
        rules_hash=rules_hash,
    )
