"""Condition trees and comparators: the semantics both evaluators share."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_core import Outcome
from ntm_core.rules import AllOf, AnyOf, AtLeast, Check, Comparator, Not, When
from strategies import outcomes

M, N, U, NA = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.NOT_APPLICABLE


def leaves(**values):
    return lambda key: values[key]


def test_check_reads_its_leaf():
    assert Check(key="a").evaluate(leaves(a=M)) is M
    assert list(Check(key="a").keys()) == ["a"]


def test_all_of_and_any_of():
    tree = AllOf(children=[Check(key="a"), AnyOf(children=[Check(key="b"), Check(key="c")])])
    assert tree.evaluate(leaves(a=M, b=N, c=M)) is M
    assert tree.evaluate(leaves(a=M, b=N, c=U)) is U
    assert tree.evaluate(leaves(a=N, b=U, c=U)) is N
    assert list(tree.keys()) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((M, M, N), M),
        ((M, N, N), N),
        ((M, U, N), U),
        ((M, M, U), M),
        ((N, N, U), N),
        ((NA, NA, NA), NA),
        ((M, NA, M), M),
    ],
)
def test_at_least_two_of_three(values, expected):
    tree = AtLeast(k=2, children=[Check(key=k) for k in "abc"])
    assert tree.evaluate(leaves(**dict(zip("abc", values, strict=True)))) is expected


def test_at_least_needs_positive_k():
    with pytest.raises(ValueError, match="k >= 1"):
        AtLeast(k=0, children=[Check(key="a")])


def test_not():
    assert Not(child=Check(key="a")).evaluate(leaves(a=M)) is N
    assert Not(child=Check(key="a")).evaluate(leaves(a=U)) is U


@pytest.mark.parametrize(
    ("gate", "then", "expected"),
    [
        (M, M, M), (M, N, N), (M, U, U),
        (N, N, NA), (N, U, NA), (NA, N, NA),
        (U, M, M), (U, N, U), (U, U, U), (U, NA, NA),
    ],
)  # fmt: skip
def test_when_applies_only_if_its_gate_is_met(gate, then, expected):
    tree = When(applies="has_craft", then=Check(key="plan"))
    assert tree.evaluate(leaves(has_craft=gate, plan=then)) is expected
    assert list(tree.keys()) == ["has_craft", "plan"]


def test_to_data_round_trips_the_file_syntax():
    tree = AllOf(
        children=[
            Check(key="a"),
            AtLeast(k=1, children=[Check(key="b")]),
            Not(child=Check(key="c")),
            When(applies="d", then=AnyOf(children=[Check(key="e")])),
        ]
    )
    assert tree.to_data() == {
        "all_of": [
            "a",
            {"at_least": 1, "of": ["b"]},
            {"not": "c"},
            {"when": "d", "then": {"any_of": ["e"]}},
        ]
    }


@given(st.lists(outcomes(), min_size=1, max_size=6), st.integers(1, 6))
def test_at_least_is_unknown_only_if_the_unknowns_could_decide(values, k):
    """Replacing every UNKNOWN by MET, then by NOT_MET, must give different answers."""
    k = min(k, len(values))
    keys = [f"i{n}" for n in range(len(values))]
    tree = AtLeast(k=k, children=[Check(key=key) for key in keys])
    result = tree.evaluate(leaves(**dict(zip(keys, values, strict=True))))
    best = tree.evaluate(
        leaves(**{key: M if v is U else v for key, v in zip(keys, values, strict=True)})
    )
    worst = tree.evaluate(
        leaves(**{key: N if v is U else v for key, v in zip(keys, values, strict=True)})
    )
    if result is U:
        assert best is not worst
    else:
        assert best is worst is result


@pytest.mark.parametrize(
    ("comparator", "observed", "threshold", "holds", "margin"),
    [
        (Comparator.GE, Fraction(45), Fraction(45), True, Fraction(0)),
        (Comparator.GE, Fraction(44_999_999, 10**6), Fraction(45), False, Fraction(-1, 10**6)),
        (Comparator.GT, Fraction(45), Fraction(45), False, Fraction(0)),
        (Comparator.LE, Fraction(25), Fraction(25), True, Fraction(0)),
        (Comparator.LE, Fraction(26), Fraction(25), False, Fraction(-1)),
        (Comparator.LT, Fraction(24), Fraction(25), True, Fraction(1)),
    ],
)
def test_comparators_hold_exactly_and_give_signed_margins(
    comparator, observed, threshold, holds, margin
):
    assert comparator.holds(observed, threshold) is holds
    assert comparator.margin(observed, threshold) == margin


def test_equality_comparator_for_yes_no():
    assert Comparator.EQ.holds(True, True)
    assert not Comparator.EQ.holds(False, True)
    assert Comparator.EQ.improves_upward is None
    assert Comparator.GE.improves_upward is True
    assert Comparator.LE.improves_upward is False
    assert Comparator.EQ.margin(Fraction(3), Fraction(5)) == -2
    with pytest.raises(TypeError, match="cannot compare yes/no"):
        Comparator.GE.holds(True, Fraction(1))
