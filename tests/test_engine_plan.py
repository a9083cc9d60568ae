"""The compiled plan's outcome algebra on masks agrees with ``Outcome`` (Kleene logic, N/A neutral)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ntm_core import Outcome
from ntm_core.engine import CODES
from ntm_core.engine._plan import Masks, _all_of, _condition_masks, _evaluate
from ntm_core.rules import AllOf, AnyOf, AtLeast, Check, Not, When

KEYS = ("a", "b", "c")
OUTCOMES = {v: k for k, v in CODES.items()}
rows = st.lists(
    st.fixed_dictionaries({k: st.sampled_from(list(Outcome)) for k in KEYS}),
    min_size=1,
    max_size=12,
)
leaf = st.sampled_from([Check(key=k) for k in KEYS])
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda c: AllOf(children=c)),
        st.lists(inner, max_size=3).map(lambda c: AnyOf(children=c)),
        st.lists(inner, min_size=1, max_size=3).flatmap(
            lambda c: st.integers(1, len(c)).map(lambda k: AtLeast(k=k, children=c))
        ),
        inner.map(lambda c: Not(child=c)),
        st.tuples(st.sampled_from(KEYS), inner).map(lambda t: When(applies=t[0], then=t[1])),
    ),
    max_leaves=6,
)


def codes(values):
    return np.asarray([CODES[v] for v in values], dtype=np.int8)


@given(rows, conditions)
def test_condition_trees_on_codes_agree_with_the_scalar_evaluation(table, condition):
    leaves = {k: codes([row[k] for row in table]) for k in KEYS}
    batch = _evaluate(condition, leaves, len(table))
    scalar = [condition.evaluate(lambda key, row=row: row[key]) for row in table]
    assert [OUTCOMES[int(c)] for c in batch] == scalar


@given(rows)
def test_all_of_on_masks_is_kleene_and_with_na_neutral(table):
    parts = [Masks.from_codes(codes([row[k] for row in table])) for k in KEYS]
    combined = _all_of(parts, len(table)).codes()
    expected = [Outcome.all_of(row[k] for k in KEYS) for row in table]
    assert [OUTCOMES[int(c)] for c in combined] == expected


def test_all_of_nothing_is_not_applicable():
    assert [OUTCOMES[int(c)] for c in _all_of([], 2).codes()] == [Outcome.NOT_APPLICABLE] * 2


@given(rows, conditions)
def test_condition_trees_on_masks_agree_with_the_scalar_evaluation(table, condition):
    """All-of and when run on masks (the rest on codes) and still agree with ``Outcome``."""
    leaves = {k: Masks.from_codes(codes([row[k] for row in table])) for k in KEYS}
    batch = _condition_masks(condition, leaves.__getitem__, len(table)).codes()
    scalar = [condition.evaluate(lambda key, row=row: row[key]) for row in table]
    assert [OUTCOMES[int(c)] for c in batch] == scalar
