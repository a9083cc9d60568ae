"""Scaled-integer columns, their exact fallback, and the compiled plan's edge cases.

Issue 10: "Where no common denominator fits in int64 (rare, adversarial), fall
back to the exact path for that column only — correctness first, and a test
for the fallback."
"""

import datetime as dt
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_core import RuleLevel
from ntm_core.datasets import HA_TINH_DIR
from ntm_core.engine import Column, Ladder, Observations, assess, evaluate_batch, selections
from ntm_core.rules import IndicatorKind, Rulebook

ON = dt.date(2023, 12, 31)
BOOK = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
# The Hà Tĩnh sample's illustrative income threshold for Bắc Trung Bộ: 46 million VND.
INCOME = "income_per_capita"


def income_obs(values, region="BTB"):
    column = Column.from_values(INCOME, IndicatorKind.NUMERIC, values)
    return Observations(
        codes=[f"{i:05d}" for i in range(len(values))],
        periods=[2023] * len(values),
        columns={INCOME: column},
        attributes={"region": [region] * len(values)},
    )


def income_outcomes(obs):
    batch = assess(obs, on=ON, rulebook=BOOK)
    scalar = [batch.explain_row(i).criteria[9].outcome for i in range(len(obs))]
    fast = [batch.criterion_outcomes_of(i)["10"] for i in range(len(obs))]
    assert fast == scalar
    return fast


def test_decimals_share_one_denominator():
    column = Column.from_values(
        INCOME, IndicatorKind.NUMERIC, [Fraction("4500.000001"), Fraction(45), None]
    )
    assert column.scaled is not None
    assert column.scale == 10**6
    assert column.scaled.dtype == np.int64
    assert column.num.tolist() == [4500000001, 45, 0]
    assert column.den.tolist() == [10**6, 1, 1]


def test_small_values_are_stored_in_int32():
    column = Column.from_values("x", IndicatorKind.RATIO, [Fraction("85.5"), Fraction(90)])
    assert column.scaled is not None
    assert column.scaled.dtype == np.int32
    assert column.scale == 2


def test_no_common_denominator_falls_back_to_exact_fractions():
    """Denominators whose product overflows int64: this column only is kept exact."""
    huge = [Fraction(46 * p + 1, p) for p in (2**31 - 1, 2**61 - 1)]  # two large primes
    obs = income_obs([*huge, Fraction(46), Fraction(46) - Fraction(1, 3**39)])
    column = obs.columns[INCOME]
    assert column.scaled is None
    assert column.scale == 0
    assert column.value(1) == huge[1]
    outcomes = income_outcomes(obs)
    assert [o.value for o in outcomes] == ["met", "met", "met", "not_met"]
    taken = column.take(np.array([3, 0]))
    assert taken.scaled is None
    assert taken.value(0) == Fraction(46) - Fraction(1, 3**39)


def test_values_too_large_for_int64_stay_exact():
    obs = income_obs([Fraction(10**30), Fraction(-(10**30)), None])
    assert obs.columns[INCOME].scaled is None
    assert obs.columns[INCOME].num.dtype == object
    assert [o.value for o in income_outcomes(obs)] == ["met", "not_met", "unknown"]


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.fractions(min_value=40, max_value=50, max_denominator=10**9),
            st.sampled_from(
                [
                    Fraction(46),
                    Fraction(46) - Fraction(1, 10**12),
                    Fraction(46) + Fraction(1, 7**20),
                ]
            ),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_fuzz_of_denominators_decides_like_the_scalar_path(values):
    income_outcomes(income_obs(values))


def test_from_scaled_builds_a_column_without_per_value_python():
    values = np.array([46_000_000, 45_999_999, 7], dtype=np.int64)
    present = np.array([True, True, False])
    column = Column.from_scaled(INCOME, IndicatorKind.NUMERIC, values, scale=10**6, present=present)
    assert column.value(0) == 46
    assert column.value(1) == Fraction(45_999_999, 10**6)
    assert column.value(2) is None
    flags = Column.from_scaled(
        "x", IndicatorKind.BOOLEAN, [1, 0, 1], scale=1, present=[True, True, False]
    )
    assert [flags.value(i) for i in range(3)] == [True, False, None]
    obs = Observations(
        codes=["a", "b", "c"],
        periods=[2023] * 3,
        columns={INCOME: column},
        attributes={"region": ["BTB"] * 3},
    )
    assert [o.value for o in income_outcomes(obs)] == ["met", "not_met", "unknown"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"scale": 0}, ValueError),
        ({"scale": 1, "numerators": [2**62]}, ValueError),
    ],
)
def test_from_scaled_rejects_bad_input(kwargs, error):
    args = {"numerators": [1], "present": [True], **kwargs}
    with pytest.raises(error):
        Column.from_scaled(INCOME, IndicatorKind.NUMERIC, **args)


def test_the_constructor_checks_its_arrays():
    with pytest.raises(TypeError, match="give num and den"):
        Column(key="x", kind=IndicatorKind.NUMERIC, present=np.array([True]))
    with pytest.raises(ValueError, match="1 numerators"):
        Column(
            key="x",
            kind=IndicatorKind.NUMERIC,
            num=np.array([1]),
            den=np.array([1, 1]),
            present=np.array([True, True]),
        )
    with pytest.raises(ValueError, match="values for"):
        Column(
            key="x",
            kind=IndicatorKind.NUMERIC,
            scaled=np.array([1]),
            scale=1,
            present=np.array([True, True]),
        )


def test_evaluate_batch_checks_the_selections_length():
    obs = income_obs([Fraction(45)])
    ladder = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=ON)
    with pytest.raises(ValueError, match="2 selections for 1 rows"):
        evaluate_batch(ladder, obs, selections(obs) * 2)


def test_plans_are_cached_by_content():
    from ntm_core.engine._plan import compile_plan

    obs = income_obs([Fraction(45)])
    one = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=ON)
    two = Ladder.for_level(
        Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv"),
        level=RuleLevel.COMMUNE,
        on=ON,
    )
    groups = selections(obs)
    assert one.content_hash == two.content_hash
    assert compile_plan(one, groups) is compile_plan(two, groups)
    later = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=dt.date(2025, 1, 1))
    assert later.content_hash != one.content_hash
