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
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core.engine._ladder import Ladder
from ntm_core.engine._observations import Column, Observations
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


@attrs.frozen(eq=False)
class _Leaf:
    key: str
    comparator: Comparator
    thresholds: tuple[Fraction | None, ...]  # one per selection group


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
        below_met: Bools | None = None
        below_known: Bools | None = None
        for rung in self.rungs:
            leaves = [
                _run_leaf(leaf, observations.columns.get(leaf.key), index, n)
                for leaf in rung.leaves
            ]
            criteria: dict[str, Masks] = {}
            for criterion in rung.criteria:
                criteria[criterion.code] = _run_criterion(criterion, rung, leaves, n)
            own = _all_of(list(criteria.values()), n)
            if below_met is None or below_known is None:
                # the first rung: "the rung below" is met, which only matters where own is N/A
                chained = own if own.na is None else _all_of([_all_met(n), own], n)
            else:
                chained = _all_of([Masks(known=below_known, met=below_met), own], n)
            for array in (chained.known, chained.met):
                array.flags.writeable = False
            below_met, below_known = chained.met, chained.known
            rung_masks.append(chained)
            criteria_masks.append(criteria)
        return tuple(rung_masks), tuple(criteria_masks)


def _all_met(n: int) -> Masks:
    return Masks(known=np.ones(n, dtype=bool), met=np.ones(n, dtype=bool))


# A leaf's result: (fail, known); fail ⊆ known. ``None`` for "every row" / "no row".
_LeafResult = tuple[Bools | None, Bools | None]


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


def _fails(
    values: npt.NDArray[Any], op: str, bound: npt.NDArray[Any] | int, out: Bools | None = None
) -> Bools:
    """Rows whose value does not pass the integer test (absent rows not masked)."""
    if op == "ge":
        result = np.less(values, bound, out=out)
    elif op == "le":
        result = np.greater(values, bound, out=out)
    else:
        result = np.not_equal(values, bound, out=out)
    return np.asarray(result, dtype=bool)


def _clamp(bound: int | None, dtype: np.dtype[Any]) -> int:
    """A bound inside the column's dtype; values never reach the dtype's extremes."""
    info = np.iinfo(dtype)
    if bound is None:
        return int(info.max)  # "eq" with no integer solution: nothing equals the maximum
    return min(max(bound, int(info.min)), int(info.max))


def _run_leaf(
    leaf: _Leaf, column: Column | None, index: npt.NDArray[np.intp], n: int
) -> _LeafResult:
    thresholds = leaf.thresholds
    has = [t is not None for t in thresholds]
    if column is None or not any(has):
        return None, np.zeros(n, dtype=bool)
    known = column.present if all(has) else column.present & np.asarray(has)[index]
    if column.scaled is None:
        fail = ~_exact_holds(leaf, column, index)
        return fail & known, known
    values = column.scaled
    if values.dtype == np.bool_:
        values = values.view(np.int8)
    tests = [
        _bound(leaf.comparator, t, column.scale) if t is not None else ("ge", 0) for t in thresholds
    ]
    ops = {op for op, _ in tests}
    if len(ops) == 1:
        (op,) = ops
        bounds = [_clamp(b, values.dtype) for _, b in tests]
        if len(set(bounds)) == 1:
            fail = _fails(values, op, values.dtype.type(bounds[0]))
        else:
            fail = _fails(values, op, np.asarray(bounds, dtype=values.dtype)[index])
    else:  # "==" whose threshold is an integer in some groups only
        fail = np.ones(n, dtype=bool)
        for g, (op, b) in enumerate(tests):
            rows = index == g
            fail[rows] = _fails(values[rows], op, _clamp(b, values.dtype))
    np.logical_and(fail, known, out=fail)
    return fail, known


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


def _leaf_masks(result: _LeafResult, n: int) -> Masks:
    fail, known = result
    known_rows = np.ones(n, dtype=bool) if known is None else known
    met = known_rows.copy() if fail is None else known_rows & ~fail
    return Masks(known=known_rows, met=met)


def _run_criterion(criterion: _Criterion, rung: _Rung, leaves: list[_LeafResult], n: int) -> Masks:
    if criterion.leaves is None:
        used = set(criterion.condition.keys())
        codes = {
            leaf.key: _leaf_masks(result, n).codes()
            for leaf, result in zip(rung.leaves, leaves, strict=True)
            if leaf.key in used
        }
        return Masks.from_codes(_evaluate(criterion.condition, codes, n))
    if not criterion.leaves:
        return Masks(
            known=np.zeros(n, dtype=bool), met=np.zeros(n, dtype=bool), na=np.ones(n, dtype=bool)
        )
    fail_any: Bools | None = None
    known_all: Bools | None = None
    for i in criterion.leaves:
        fail, known = leaves[i]
        if fail is not None:
            fail_any = (
                fail.copy() if fail_any is None else np.logical_or(fail_any, fail, out=fail_any)
            )
        if known is not None:
            known_all = (
                known.copy()
                if known_all is None
                else np.logical_and(known_all, known, out=known_all)
            )
    return _combine(fail_any, known_all, n)


def _combine(fail_any: Bools | None, known_all: Bools | None, n: int) -> Masks:
    """AND of outcomes from "some row failed" and "every input known"."""
    if fail_any is None:
        fail_any = np.zeros(n, dtype=bool)
    if known_all is None:
        known_all = np.ones(n, dtype=bool)
    met = known_all & ~fail_any
    known = np.logical_or(fail_any, known_all, out=fail_any)
    return Masks(known=known, met=met)


def _all_of(parts: Sequence[Masks], n: int) -> Masks:
    """Kleene AND; NOT_APPLICABLE is neutral (all NOT_APPLICABLE, or none, is NOT_APPLICABLE)."""
    if not parts:
        return Masks(
            known=np.zeros(n, dtype=bool), met=np.zeros(n, dtype=bool), na=np.ones(n, dtype=bool)
        )
    fail_any = np.zeros(n, dtype=bool)
    known_all = np.ones(n, dtype=bool)
    na_all: Bools | None = np.ones(n, dtype=bool)
    for part in parts:
        fail = part.known & ~part.met
        known = part.known
        if part.na is not None:
            fail &= ~part.na
            known = known | part.na
        np.logical_or(fail_any, fail, out=fail_any)
        np.logical_and(known_all, known, out=known_all)
        na_all = None if part.na is None or na_all is None else na_all & part.na
    out = _combine(fail_any, known_all, n)
    if na_all is not None and na_all.any():
        return Masks(known=out.known & ~na_all, met=out.met & ~na_all, na=na_all)
    return out


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
