"""The compiled evaluation plan: a ladder flattened once, then run over columns.

A plan holds, for every rung, its indicators (key, comparator, the exact
threshold of each selection group) and its criteria. Running it over
:class:`Observations` turns each threshold into one integer bound on the
column's scale (``v/s >= p/q`` is ``v >= ceil(p*s/q)`` for an integer ``v``),
so a check is one comparison of the column's integers with that bound, a
scalar when every group shares it. Outcomes travel as two boolean masks,
*known* and *met* (``met`` implies ``known``); the default criterion ("all its
indicators") and the rungs are combined on the masks directly. Criteria with
other conditions (any-of, at-least-k, not, when) are rare and run on outcome
codes. Columns kept as exact fractions are compared by cross-multiplication.

Plans are cached by the content hash of the editions and the selections.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core.engine._ladder import Ladder
from ntm_core.engine._observations import Column, Observations, float_threshold, nan_absent
from ntm_core.rules._conditions import AllOf, AnyOf, AtLeast, Check, Condition, Not, When
from ntm_core.rules._model import Comparator, Criterion, RuleSet, Selection

__all__ = ["MET", "NA", "NOT_MET", "UNKNOWN", "Masks", "Plan", "compile_plan"]

Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int8]

NOT_MET, MET, UNKNOWN, NA = np.int8(0), np.int8(1), np.int8(2), np.int8(3)
_SAFE = 2**62


@attrs.frozen(eq=False)
class Masks:
    """Four-valued outcomes of many rows: ``known``, ``met`` (⊆ known), ``na`` (None: no row)."""

    known: Bools
    met: Bools
    na: Bools | None = None

    def codes(self) -> Codes:
        """The ``int8`` outcome codes (NOT_MET 0, MET 1, UNKNOWN 2, NOT_APPLICABLE 3)."""
        out = (~self.known).view(np.int8) * np.int8(2)
        out += self.met.view(np.int8)
        if self.na is not None:
            out[self.na] = NA
        out.flags.writeable = False
        return out

    @classmethod
    def from_codes(cls, codes: Codes) -> Masks:
        """Masks of ``int8`` outcome codes."""
        na = codes == NA
        return cls(
            known=(codes == MET) | (codes == NOT_MET),
            met=codes == MET,
            na=na if na.any() else None,
        )


# A leaf's integer test on one column layout: ``(op, bound)`` where ``bound`` is a
# scalar of the column's dtype shared by every group, or one bound per group;
# ``None`` when the groups need different operators (``==`` with an integer
# threshold in some groups only).
_Test = tuple[str, Any] | None
# A leaf's test on a column of floats: the ufunc marking failing rows, and a
# float bound (shared) or one per group; ``None``: compare exactly instead.
_FloatTest = tuple[np.ufunc, Any] | None


@attrs.frozen(eq=False)
class _Leaf:
    key: str
    comparator: Comparator
    thresholds: tuple[Fraction | None, ...]  # one per selection group
    # (scale, dtype) -> the compiled test; bounds are computed once per column layout
    _tests: dict[tuple[int, str], _Test] = attrs.field(factory=dict, init=False)
    # unit factor of a column of floats -> the float test
    _float_tests: dict[Fraction, _FloatTest] = attrs.field(factory=dict, init=False)

    @property
    def has(self) -> tuple[bool, ...]:
        return tuple(t is not None for t in self.thresholds)

    def test(self, scale: int, dtype: np.dtype[Any]) -> _Test:
        """The integer test of this leaf on a column of ``dtype`` over ``scale`` (cached)."""
        key = (scale, dtype.str)
        if key in self._tests:
            return self._tests[key]
        tests = [
            _bound(self.comparator, t, scale) if t is not None else ("ge", 0)
            for t in self.thresholds
        ]
        ops = {op for op, _ in tests}
        test: _Test = None
        if len(ops) == 1:
            bounds = [_clamp(b, dtype) for _, b in tests]
            bound: Any = (
                dtype.type(bounds[0]) if len(set(bounds)) == 1 else np.asarray(bounds, dtype=dtype)
            )
            test = (ops.pop(), bound)
        self._tests[key] = test
        return test

    def float_test(self, factor: Fraction) -> _FloatTest:
        """The float test of this leaf on a column of floats times ``factor`` (cached).

        ``None`` when a threshold, in the column's unit, is not exactly
        decidable by one float comparison (see ``float_threshold``).
        """
        if factor in self._float_tests:
            return self._float_tests[factor]
        bounds: list[float] = []
        test: _FloatTest = None
        for t in self.thresholds:
            bound = float_threshold(t / factor) if t is not None else math.nan
            if bound is None:
                break
            bounds.append(bound)
        else:
            op = _FLOAT_OPS[self.comparator]
            array = np.asarray(bounds, dtype=np.float64)
            same = len(set(bounds)) == 1 and not math.isnan(bounds[0])
            test = (op, array[0] if same else array)
        self._float_tests[factor] = test
        return test


@attrs.frozen(eq=False)
class _Criterion:
    code: str
    leaves: tuple[int, ...] | None  # indices into the rung's leaves, for "all of these checks"
    condition: Condition


@attrs.frozen(eq=False)
class _Rung:
    leaves: tuple[_Leaf, ...]
    criteria: tuple[_Criterion, ...]


def _exact(value: Fraction | bool | None) -> Fraction | None:  # noqa: FBT001 - a converter
    if value is None:
        return None
    return Fraction(int(value)) if isinstance(value, bool) else value


def _compile_rung(ladder: Ladder, edition: RuleSet, groups: Sequence[Selection]) -> _Rung:
    resolved = [ladder.thresholds(edition, s) for s in groups]
    leaves: list[_Leaf] = []
    position: dict[str, int] = {}
    for indicator in ladder.indicators(edition):
        position[indicator.key] = len(leaves)
        leaves.append(
            _Leaf(
                key=indicator.key,
                comparator=indicator.comparator,
                thresholds=tuple(
                    _exact(r[indicator.key].value if r[indicator.key] is not None else None)  # type: ignore[union-attr]
                    for r in resolved
                ),
            )
        )
    criteria = [_compile_criterion(criterion, position) for criterion in edition.criteria]
    return _Rung(leaves=tuple(leaves), criteria=tuple(criteria))


def _compile_criterion(criterion: Criterion, position: Mapping[str, int]) -> _Criterion:
    condition = criterion.condition
    leaves = None
    if type(condition) is AllOf and all(type(c) is Check for c in condition.children):
        leaves = tuple(position[c.key] for c in condition.children)  # type: ignore[union-attr]
    return _Criterion(code=criterion.code, leaves=leaves, condition=condition)


@attrs.frozen(eq=False)
class Plan:
    """A ladder compiled for a set of selection groups (see the module docstring)."""

    rungs: tuple[_Rung, ...]
    groups: tuple[Selection, ...]

    def run(
        self, observations: Observations, index: npt.NDArray[np.intp]
    ) -> tuple[tuple[Masks, ...], tuple[dict[str, Masks], ...]]:
        """Chained rung outcomes and, per rung, criterion code → outcomes."""
        n = len(observations)
        rung_masks: list[Masks] = []
        criteria_masks: list[dict[str, Masks]] = []
        below: Masks | None = None
        kept = sum(2 + 2 * sum(bool(c.leaves) for c in rung.criteria) for rung in self.rungs)
        space = _Space(kept, n)
        for rung in self.rungs:
            criteria: dict[str, Masks] = {}
            fail_any = space.scratch[3]  # some criterion NOT_MET
            fail_any.fill(False)  # noqa: FBT003 - numpy's fill takes the value positionally
            known_all = space.scratch[4]  # every criterion known or N/A
            known_all.fill(True)  # noqa: FBT003
            na_all: Bools | None = None  # every criterion N/A (None: no row)
            for position, criterion in enumerate(rung.criteria):
                masks, fail = _run_criterion(criterion, rung, observations, index, n, space)
                criteria[criterion.code] = masks
                np.logical_or(fail_any, fail, out=fail_any)
                if masks.na is None:
                    np.logical_and(known_all, masks.known, out=known_all)
                    na_all = None if position else na_all
                else:
                    np.logical_and(known_all, masks.known | masks.na, out=known_all)
                    na_all = masks.na.copy() if position == 0 else _and_na(na_all, masks.na)
            if not rung.criteria:
                na_all = np.ones(n, dtype=bool)
            if (na_all is None or not na_all.any()) and (below is None or below.na is None):
                chained = _chain(below, fail_any, known_all, space)
            else:
                own = _combine(fail_any.copy(), known_all.copy(), na_all)
                if below is None:
                    # the first rung: "the rung below" is met, which only matters where own is N/A
                    chained = own if own.na is None else _all_of([_all_met(n), own], n)
                else:
                    chained = _all_of([below, own], n)
            for array in (chained.known, chained.met):
                array.flags.writeable = False
            below = chained
            rung_masks.append(chained)
            criteria_masks.append(criteria)
        return tuple(rung_masks), tuple(criteria_masks)


class _Space:
    """Where a run writes: rows of one allocation for the masks it keeps, and scratch rows.

    One large allocation costs far less than many of a megabyte each (it is
    mapped in huge pages, not page by page), and scratch rows are reused.
    Scratch rows: 0 a leaf's failures, 1 a criterion's, 2 a criterion's
    known rows, 3 and 4 a rung's failures and known rows.
    """

    def __init__(self, kept: int, n: int) -> None:
        self.kept = np.empty((kept, n), dtype=bool)
        self.used = 0
        self.scratch = np.empty((5, n), dtype=bool)

    def keep(self) -> Bools:
        """A row for a mask the result keeps."""
        if self.used == len(self.kept):  # pragma: no cover - every kept mask is counted
            return np.empty(self.kept.shape[1], dtype=bool)
        self.used += 1
        row: Bools = self.kept[self.used - 1]
        return row


def _chain(below: Masks | None, fail_any: Bools, known_all: Bools, space: _Space) -> Masks:
    """Kleene AND of the rung below and this rung's criteria, without N/A, into kept rows.

    This rung is known where ``fail_any | known_all`` and met where
    ``known_all & ~fail_any``; AND with the rung below: met where both are,
    known where either fails or both are known.
    """
    known, met = space.keep(), space.keep()
    np.greater(known_all, fail_any, out=met)
    np.logical_or(fail_any, known_all, out=known)
    if below is not None:
        np.logical_and(met, below.met, out=met)
        fails = np.greater(below.known, below.met, out=space.scratch[0])
        np.logical_or(fails, fail_any, out=fails)
        np.logical_and(known, below.known, out=known)
        np.logical_or(known, fails, out=known)
    return Masks(known=known, met=met)


def _and_na(na_all: Bools | None, na: Bools) -> Bools | None:
    if na_all is None:
        return None
    np.logical_and(na_all, na, out=na_all)
    return na_all


def _combine(fail_any: Bools, known_all: Bools, na_all: Bools | None = None) -> Masks:
    """Kleene AND from "some part NOT_MET", "every part known" and "every part N/A".

    Consumes ``fail_any`` (it becomes ``known``).
    """
    met = np.greater(known_all, fail_any)  # known_all & ~fail_any
    known = np.logical_or(fail_any, known_all, out=fail_any)
    if na_all is not None and na_all.any():
        np.greater(known, na_all, out=known)
        np.greater(met, na_all, out=met)
        return Masks(known=known, met=met, na=na_all)
    return Masks(known=known, met=met)


def _all_met(n: int) -> Masks:
    return Masks(known=np.ones(n, dtype=bool), met=np.ones(n, dtype=bool))


def _bound(comparator: Comparator, threshold: Fraction, scale: int) -> tuple[str, int | None]:
    """``(op, bound)``: the integer test equivalent to ``v/scale <cmp> threshold``.

    ``op`` is ``"ge"``, ``"le"`` or ``"eq"``; a ``None`` bound for ``eq`` means
    no integer equals the threshold.
    """
    x = threshold * scale
    floor = x.numerator // x.denominator
    ceil = -(-x.numerator // x.denominator)
    if comparator is Comparator.GE:
        return "ge", ceil
    if comparator is Comparator.GT:
        return "ge", floor + 1
    if comparator is Comparator.LE:
        return "le", floor
    if comparator is Comparator.LT:
        return "le", ceil - 1
    return "eq", floor if x.denominator == 1 else None


# The ufunc that marks the rows *failing* an integer test.
_FAILS = {"ge": np.less, "le": np.greater, "eq": np.not_equal}
# The ufunc that marks the rows failing a comparison of floats with one float
# threshold; NaN (not observed) fails only "==" (masked by the presence then).
_FLOAT_OPS = {
    Comparator.GE: np.less,
    Comparator.GT: np.less_equal,
    Comparator.LE: np.greater,
    Comparator.LT: np.greater_equal,
    Comparator.EQ: np.not_equal,
}


def _clamp(bound: int | None, dtype: np.dtype[Any]) -> int:
    """A bound inside the column's dtype; values never reach the dtype's extremes."""
    info = np.iinfo(dtype)
    if bound is None:
        return int(info.max)  # "eq" with no integer solution: nothing equals the maximum
    return min(max(bound, int(info.min)), int(info.max))


def _leaf_fails(
    leaf: _Leaf, column: Column, index: npt.NDArray[np.intp], out: Bools, known: Bools
) -> Bools:
    """Into ``out``: the ``known`` rows whose value does not pass the leaf's test."""
    if column.float64 is not None:
        done = _float_fails(leaf, column, index, out, known)
        if done is not None:
            return done
    if column.scaled is None:
        np.logical_not(_exact_holds(leaf, column, index), out=out)
        return np.logical_and(out, known, out=out)
    values = column.scaled
    if values.dtype == np.bool_:
        done = _flag_fails(leaf, values, out, known)
        if done is not None:
            return done
        values = values.view(np.int8)
    test = leaf.test(column.scale, values.dtype)
    if test is not None:
        op, bound = test
        if isinstance(bound, np.ndarray):
            bound = bound[index]
        _FAILS[op](values, bound, out=out)
    else:
        for g, threshold in enumerate(leaf.thresholds):  # "==" integer in some groups only
            op, b = _bound(leaf.comparator, threshold, column.scale) if threshold else ("ge", 0)
            rows = index == g
            out[rows] = _FAILS[op](values[rows], _clamp(b, values.dtype))
    return np.logical_and(out, known, out=out)


def _float_fails(
    leaf: _Leaf, column: Column, index: npt.NDArray[np.intp], out: Bools, known: Bools
) -> Bools | None:
    """A column of floats: one float comparison (``None``: a threshold needs the exact path)."""
    found = leaf.float_test(column.factor)
    if found is None:
        return None
    fails, edge = found
    if isinstance(edge, np.ndarray):
        edge = edge[index]
    assert column.float64 is not None  # noqa: S101 - the caller checked
    fails(column.float64, edge, out=out)
    if fails is np.not_equal or known is not column.present or not nan_absent(column):
        np.logical_and(out, known, out=out)  # NaN rows, or rows without a threshold
    return out


def _flag_fails(leaf: _Leaf, flags: Bools, out: Bools, known: Bools) -> Bools | None:
    """Yes/no against one shared yes or no: one operation, the presence included.

    ``None`` for any other test. Flags of rows not observed are never read.
    """
    test = leaf.test(1, np.dtype(np.int8))
    if test is None or isinstance(test[1], np.ndarray):
        return None
    op, bound = test[0], int(test[1])
    if (op, bound) in {("ge", 1), ("eq", 1)}:  # must be yes
        return np.greater(known, flags, out=out)
    if (op, bound) in {("le", 0), ("eq", 0)}:  # must be no
        return np.logical_and(flags, known, out=out)
    return None


def _leaf_known(leaf: _Leaf, column: Column | None, index: npt.NDArray[np.intp]) -> Bools | None:
    """Rows where the leaf is known: observed and with a threshold (``None``: no row)."""
    has = leaf.has
    if column is None or not any(has):
        return None
    return column.present if all(has) else column.present & np.asarray(has)[index]


def _exact_holds(leaf: _Leaf, column: Column, index: npt.NDArray[np.intp]) -> Bools:
    """``num/den <cmp> t`` by exact cross-multiplication (int64 while it cannot overflow)."""
    num, den = column.num, column.den
    t_num = [t.numerator if t is not None else 0 for t in leaf.thresholds]
    t_den = [t.denominator if t is not None else 1 for t in leaf.thresholds]
    bound = max(_magnitude(num), _magnitude(den), *map(abs, t_num), *t_den)
    dtype: type = np.int64 if bound * bound < _SAFE else object
    tn: npt.NDArray[Any] = np.asarray(t_num, dtype=dtype)[index]
    td: npt.NDArray[Any] = np.asarray(t_den, dtype=dtype)[index]
    left = num.astype(dtype, copy=False) * td
    right = tn * den.astype(dtype, copy=False)
    result = {
        Comparator.GE: left >= right,
        Comparator.LE: left <= right,
        Comparator.GT: left > right,
        Comparator.LT: left < right,
        Comparator.EQ: left == right,
    }[leaf.comparator]
    return np.asarray(result, dtype=bool)


def _magnitude(array: npt.NDArray[Any]) -> int:
    """The largest absolute value in an integer array (0 when empty)."""
    if not len(array):
        return 0
    if array.dtype == object:
        return max(abs(int(v)) for v in array)
    return int(max(abs(int(array.max())), abs(int(array.min()))))


def _leaf_masks(
    leaf: _Leaf, observations: Observations, index: npt.NDArray[np.intp], n: int
) -> Masks:
    column = observations.columns.get(leaf.key)
    known = _leaf_known(leaf, column, index)
    if known is None or column is None:
        return Masks(known=np.zeros(n, dtype=bool), met=np.zeros(n, dtype=bool))
    fail = _leaf_fails(leaf, column, index, np.empty(n, dtype=bool), known)
    return Masks(known=known, met=np.greater(known, fail))


def _generic_criterion(
    criterion: _Criterion,
    rung: _Rung,
    observations: Observations,
    index: npt.NDArray[np.intp],
    n: int,
) -> tuple[Masks, Bools]:
    """A criterion of no checks (N/A), or with more than "all of these checks" (rare)."""
    if criterion.leaves is not None:
        none = np.zeros(n, dtype=bool)
        return Masks(known=none, met=none.copy(), na=np.ones(n, dtype=bool)), none
    by_key = {leaf.key: leaf for leaf in rung.leaves}

    def leaf_masks(key: str) -> Masks:
        return _leaf_masks(by_key[key], observations, index, n)

    masks = _condition_masks(criterion.condition, leaf_masks, n)
    return masks, np.greater(masks.known, masks.met)


def _run_criterion(  # noqa: PLR0917 - private, one call site
    criterion: _Criterion,
    rung: _Rung,
    observations: Observations,
    index: npt.NDArray[np.intp],
    n: int,
    space: _Space,
) -> tuple[Masks, Bools]:
    """The criterion's outcomes and its NOT_MET rows (a scratch row: use it at once)."""
    if not criterion.leaves:
        return _generic_criterion(criterion, rung, observations, index, n)
    fail_any: Bools | None = None
    known_all: Bools | None = None  # None: every row known
    shared = True  # known_all is a column's own (read-only) mask, not yet ours
    for i in criterion.leaves:
        leaf = rung.leaves[i]
        column = observations.columns.get(leaf.key)
        known = _leaf_known(leaf, column, index)
        if known is None or column is None:
            known = np.zeros(n, dtype=bool)
        else:
            target = space.scratch[0] if fail_any is not None else space.scratch[1]
            fail = _leaf_fails(leaf, column, index, target, known)
            if fail_any is None:
                fail_any = fail
            else:
                np.logical_or(fail_any, fail, out=fail_any)
        if known_all is None:
            known_all = known
        elif shared:
            known_all = np.logical_and(known_all, known, out=space.scratch[2])
            shared = False
        else:
            np.logical_and(known_all, known, out=known_all)
    if fail_any is None:
        fail_any = space.scratch[1]
        fail_any.fill(False)  # noqa: FBT003 - numpy's fill takes the value positionally
    if known_all is None:  # pragma: no cover - a criterion with leaves has a known mask
        known_all = np.ones(n, dtype=bool)
    met_out = np.greater(known_all, fail_any, out=space.keep())
    if shared:
        # One check: its failures are known rows, so the criterion is known exactly where
        # the check is (a column's own read-only mask: nothing to write).
        return Masks(known=known_all, met=met_out), fail_any
    known_out = np.logical_or(fail_any, known_all, out=space.keep())
    return Masks(known=known_out, met=met_out), fail_any


def _all_of(parts: Sequence[Masks], n: int) -> Masks:
    """Kleene AND; NOT_APPLICABLE is neutral (all NOT_APPLICABLE, or none, is NOT_APPLICABLE)."""
    fail_any = np.zeros(n, dtype=bool)
    known_all = np.ones(n, dtype=bool)
    na_all: Bools | None = np.ones(n, dtype=bool)
    for part in parts:
        np.logical_or(fail_any, np.greater(part.known, part.met), out=fail_any)
        known = part.known if part.na is None else part.known | part.na
        np.logical_and(known_all, known, out=known_all)
        na_all = None if part.na is None or na_all is None else na_all & part.na
    return _combine(fail_any, known_all, na_all)


def _condition_masks(condition: Condition, leaf: Callable[[str], Masks], n: int) -> Masks:
    """A condition tree's outcomes: all-of and when on masks, the rarer ones on codes."""
    if isinstance(condition, Check):
        return leaf(condition.key)
    if isinstance(condition, AllOf):
        return _all_of([_condition_masks(c, leaf, n) for c in condition.children], n)
    if isinstance(condition, When):
        return _when(leaf(condition.applies), _condition_masks(condition.then, leaf, n))
    keys = condition.keys()
    return Masks.from_codes(_evaluate(condition, {key: leaf(key).codes() for key in keys}, n))


def _when(gate: Masks, then: Masks) -> Masks:
    """The outcomes of "when ``gate``, ``then``" (as ``When.evaluate``).

    ``then`` where the gate is met; N/A where it is not met or N/A; where the
    gate is unknown, met or N/A if ``then`` is, else unknown.
    """
    closed = np.greater(gate.known, gate.met)  # NOT_MET: the condition does not apply
    if gate.na is not None:
        np.logical_or(closed, gate.na, out=closed)
    unknown = ~(gate.known | closed)  # the gate is UNKNOWN
    met = np.greater(then.met, closed)
    known = np.logical_or(gate.met & then.known, unknown & then.met)
    na = closed if then.na is None else closed | then.na
    if gate.na is None and then.na is None and not na.any():
        return Masks(known=known, met=met)
    return Masks(known=known, met=met, na=na)


# The generic (rare) conditions, on outcome codes.


def _and_codes(arrays: Sequence[Codes], n: int) -> Codes:
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


def _or_codes(arrays: Sequence[Codes], n: int) -> Codes:
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


def _evaluate(condition: Condition, leaves: Mapping[str, Codes], n: int) -> Codes:
    """Evaluate a condition tree over outcome codes (the batch twin of ``Condition.evaluate``)."""
    if isinstance(condition, Check):
        return leaves[condition.key]
    if isinstance(condition, AllOf):
        return _and_codes([_evaluate(c, leaves, n) for c in condition.children], n)
    if isinstance(condition, AnyOf):
        return _or_codes([_evaluate(c, leaves, n) for c in condition.children], n)
    if isinstance(condition, AtLeast):
        stack = np.stack([_evaluate(c, leaves, n) for c in condition.children])
        met = (stack == MET).sum(axis=0)
        unknown = (stack == UNKNOWN).sum(axis=0)
        applicable = (stack != NA).sum(axis=0)
        out = np.where(
            met >= condition.k, MET, np.where(met + unknown < condition.k, NOT_MET, UNKNOWN)
        )
        return np.where(applicable == 0, NA, out).astype(np.int8)
    if isinstance(condition, Not):
        a = _evaluate(condition.child, leaves, n)
        return np.where(a == MET, NOT_MET, np.where(a == NOT_MET, MET, a)).astype(np.int8)
    assert isinstance(condition, When)  # noqa: S101 - Condition is a closed union
    gate = leaves[condition.applies]
    then = _evaluate(condition.then, leaves, n)
    unknown_gate = np.where((then == MET) | (then == NA), then, UNKNOWN)
    out = np.where(gate == MET, then, unknown_gate)
    return np.where((gate == NOT_MET) | (gate == NA), NA, out).astype(np.int8)


_CACHE: OrderedDict[tuple[str, tuple[Selection, ...]], Plan] = OrderedDict()
_CACHE_SIZE = 32


def compile_plan(ladder: Ladder, groups: Sequence[Selection]) -> Plan:
    """The plan of ``ladder`` for these selection groups (cached by content hash)."""
    key = (ladder.content_hash, tuple(groups))
    plan = _CACHE.get(key)
    if plan is None:
        plan = Plan(
            rungs=tuple(_compile_rung(ladder, e, key[1]) for e in ladder.rungs), groups=key[1]
        )
        _CACHE[key] = plan
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return plan


def content_hash(editions: Sequence[RuleSet]) -> str:
    """A SHA-256 of the editions' full content (their ``repr`` is complete and stable)."""
    digest = hashlib.sha256()
    for edition in editions:
        digest.update(repr(edition).encode("utf-8"))
    return "sha256:" + digest.hexdigest()
