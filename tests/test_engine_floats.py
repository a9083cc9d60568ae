"""Columns of floats: kept as read, compared exactly.

Issue 10: "float32 turns 69,999,999 VND into a pass at 70,000,000, so exactness
must come from the representation, not from slower arithmetic." A float read
from a DataFrame or an Arrow table stands for its shortest decimal
(``Fraction(repr(x))``); the batch path compares the float itself with the
float of a threshold of at most 15 significant digits, and must decide exactly
as that decimal would, at every edge. Other thresholds fall back to the exact
path for that column only.
"""

import datetime as dt
import math
import pickle
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ntm_core.datasets import HA_TINH_DIR
from ntm_core.engine import Column, Observations, assess
from ntm_core.engine._observations import decimal_scale, float_threshold
from ntm_core.engine._plan import _Leaf, _leaf_fails
from ntm_core.rules import Comparator, IndicatorKind, Rulebook

ON = dt.date(2023, 12, 31)
BOOK = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
# The Hà Tĩnh sample's illustrative income threshold for Bắc Trung Bộ: 46 million VND.
INCOME = "income_per_capita"
TINY = 5e-324  # the least subnormal

EDGES = [
    0.1 + 0.2,
    0.3,
    69999999.99999999,
    70000000.0,
    np.nextafter(70000000.0, 0.0),
    np.nextafter(70000000.0, math.inf),
    46.0,
    np.nextafter(46.0, 0.0),
    np.nextafter(46.0, math.inf),
    45.99999999999999,
    46_000_000.0,
    45_999_999.99,
    85.5,
    -0.0,
    0.0,
    TINY,
    1e-300,
    sys.float_info.min,
    math.nan,
]
THRESHOLDS = [
    Fraction(46),
    Fraction(70_000_000),
    Fraction("0.3"),
    Fraction("85.5"),
    Fraction(0),
    Fraction("69999999.99999999"),  # 16 digits: the exact path
    Fraction("45.99999999999999"),  # 16 digits
    Fraction(1, 3),  # no decimal
    Fraction(sys.float_info.min),  # a power of two, hundreds of digits
]
FACTORS = [Fraction(1), Fraction(1, 10**6), Fraction(100), Fraction(1, 3)]

edge_floats = st.one_of(
    st.sampled_from(EDGES),
    st.floats(allow_infinity=False),
    st.floats(min_value=45.9, max_value=46.1),
    st.sampled_from(THRESHOLDS).map(float),
    st.sampled_from(THRESHOLDS).map(lambda t: float(np.nextafter(float(t), math.inf))),
    st.sampled_from(THRESHOLDS).map(lambda t: float(np.nextafter(float(t), -math.inf))),
)
thresholds = st.one_of(
    st.sampled_from(THRESHOLDS),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(Fraction),
    st.fractions(max_denominator=10**6),
)


def decimal(x):
    return Fraction(repr(float(x)))


def expected_fails(comparator, values, present, groups, *, index, factor):
    out = []
    for x, seen, g in zip(values, present, index, strict=True):
        t = groups[g]
        known = bool(seen) and t is not None
        out.append(known and not comparator.holds(decimal(x) * factor, t))
    return out


@given(
    values=st.lists(edge_floats, min_size=1, max_size=12),
    groups=st.lists(st.one_of(st.none(), thresholds), min_size=1, max_size=3),
    comparator=st.sampled_from(list(Comparator)),
    factor=st.sampled_from(FACTORS),
    data=st.data(),
)
@example(values=[69999999.99999999, 70000000.0], groups=[Fraction(70_000_000)],
         comparator=Comparator.GE, factor=Fraction(1), data=None)  # fmt: skip
def test_floats_decide_like_their_shortest_decimals(values, groups, comparator, factor, data):
    """Every comparator, at and around every edge, with and without a unit factor."""
    n = len(values)
    if data is None:
        index = np.zeros(n, dtype=np.intp)
    else:
        index = np.asarray(
            data.draw(st.lists(st.integers(0, len(groups) - 1), min_size=n, max_size=n)),
            dtype=np.intp,
        )
    column = Column.from_floats(INCOME, IndicatorKind.NUMERIC, values, factor=factor)
    leaf = _Leaf(key=INCOME, comparator=comparator, thresholds=tuple(groups))
    has = np.asarray([t is not None for t in groups])[index]
    known = column.present & has if not has.all() else column.present
    fails = _leaf_fails(leaf, column, index, np.empty(n, dtype=bool), known)
    assert fails.tolist() == expected_fails(comparator, values, column.present, groups,
                                            index=index, factor=factor)  # fmt: skip


def test_short_thresholds_are_one_float_comparison_and_long_ones_are_exact():
    def test(t, factor=Fraction(1)):
        return _Leaf(key=INCOME, comparator=Comparator.GE, thresholds=(t,)).float_test(factor)

    assert test(Fraction(46)) is not None
    assert test(Fraction(46), Fraction(1, 10**6)) is not None  # 46,000,000 đồng
    assert test(Fraction("85.5")) is not None
    assert test(Fraction("69999999.99999999")) is None
    assert test(Fraction(1, 3)) is None
    assert test(Fraction(46), Fraction(1, 3)) is not None  # 138
    assert test(Fraction(1), Fraction(3)) is None  # 1/3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(0), 0.0),
        (Fraction("85.5"), 85.5),
        (Fraction(-46), -46.0),
        (Fraction("0.000000000000001"), 1e-15),
        (Fraction("123456789012345"), 123456789012345.0),
        (Fraction("1234567890123456"), None),  # 16 digits
        (Fraction(1, 3), None),
        (Fraction(1, 2**1074), None),  # subnormal
        (Fraction(10**400), None),  # beyond the largest float
    ],
)
def test_float_threshold(value, expected):
    assert float_threshold(value) == expected


def income_floats(values, factor=Fraction(1)):
    column = Column.from_floats(INCOME, IndicatorKind.NUMERIC, values, factor=factor)
    return Observations(
        codes=np.arange(len(values)),
        periods=np.full(len(values), 2023),
        columns={INCOME: column},
        attributes={"region": ["BTB"] * len(values)},
    )


@given(st.lists(edge_floats.filter(lambda x: math.isnan(x) or abs(x) < 1e30), min_size=1,
                max_size=8))  # fmt: skip
@example([46.0, np.nextafter(46.0, 0.0), 45.99999999999999, math.nan, -0.0])
def test_the_batch_path_agrees_with_the_scalar_path_on_floats(values):
    """The income criterion (≥ 46 million VND in the sample) on floats, both paths."""
    for factor, scale in ((Fraction(1), 1.0), (Fraction(1, 10**6), 1e6)):
        obs = income_floats([v * scale for v in values], factor)
        batch = assess(obs, on=ON, rulebook=BOOK)
        fast = [batch.criterion_outcomes_of(i)["10"] for i in range(len(obs))]
        scalar = [batch.explain_row(i).criteria[9].outcome for i in range(len(obs))]
        assert fast == scalar
        for i, outcome in enumerate(fast):
            value = obs.value(INCOME, i)
            expected = "unknown" if value is None else "met" if value >= 46 else "not_met"
            assert outcome.value == expected


def test_a_column_of_floats_keeps_exact_values():
    values = np.array([85.5, 0.1 + 0.2, math.nan, -0.0])
    column = Column.from_floats("x", IndicatorKind.RATIO, values)
    assert column.value(0) == Fraction(171, 2)
    assert column.value(1) == Fraction("0.30000000000000004")
    assert column.value(2) is None
    assert column.value(3) == 0
    assert column.present.tolist() == [True, True, False, True]
    assert column.scaled is None  # 0.30000000000000004 needs 17 digits
    assert column.scale == 0
    assert column.num.dtype == np.int64
    assert [Fraction(int(n), int(d)) for n, d in zip(column.num, column.den, strict=True)] == [
        Fraction(171, 2), Fraction("0.30000000000000004"), 0, 0,
    ]  # fmt: skip
    assert np.isnan(column.floats()[2])
    assert column.floats()[0] == 85.5
    short = Column.from_floats("x", IndicatorKind.RATIO, [85.5, math.nan, 0.1])
    assert short.scale == 10
    assert short.scaled.tolist() == [855, 0, 1]
    assert (short.num.tolist(), short.den.tolist()) == ([171, 0, 1], [2, 1, 10])
    assert "float64" in repr(short)
    for array in (column.present, column.float64):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1
    taken = column.take(np.array([1, 2]))
    assert [taken.value(0), taken.value(1)] == [Fraction("0.30000000000000004"), None]
    again = pickle.loads(pickle.dumps(column))
    assert [again.value(i) for i in range(4)] == [column.value(i) for i in range(4)]
    assert not again.float64.flags.writeable


def test_a_unit_factor_scales_the_decimal():
    column = Column.from_floats(INCOME, IndicatorKind.NUMERIC, [45_999_999.99, 1e30],
                                factor=Fraction(1, 10**6))  # fmt: skip
    assert column.value(0) == Fraction("45.99999999")
    assert column.factor == Fraction(1, 10**6)
    assert "×1/1000000" in repr(column)
    assert column.floats().tolist() == [45.99999999, 1e24]
    assert column.scaled is None  # 1e30 does not fit scaled int64
    assert column.value(1) == 10**24


def test_the_exact_fallback_for_values_of_many_digits():
    """Values no decimal scale fits are compared one by one, exactly."""
    values = [69999999.99999999, 70000000.0, TINY]
    column = Column.from_floats(INCOME, IndicatorKind.NUMERIC, values)
    assert decimal_scale(column.float64, column.present) is None
    assert column.num.dtype == object or column.den.max() > 10**15
    leaf = _Leaf(key=INCOME, comparator=Comparator.GE,
                 thresholds=(Fraction("69999999.99999999"),))  # fmt: skip
    assert leaf.float_test(Fraction(1)) is None
    fails = _leaf_fails(leaf, column, np.zeros(3, dtype=np.intp), np.empty(3, dtype=bool),
                        column.present)  # fmt: skip
    assert fails.tolist() == [False, False, True]


def test_from_floats_checks_its_input():
    with pytest.raises(ValueError, match="finite"):
        Column.from_floats(INCOME, IndicatorKind.NUMERIC, [1.0, math.inf])
    with pytest.raises(ValueError, match="finite"):
        Column.from_floats(INCOME, IndicatorKind.NUMERIC, [-math.inf])
    with pytest.raises(ValueError, match="positive factor"):
        Column.from_floats(INCOME, IndicatorKind.NUMERIC, [1.0], factor=0)
    with pytest.raises(ValueError, match="for numbers"):
        Column.from_floats("x", IndicatorKind.BOOLEAN, [1.0])
    with pytest.raises(TypeError, match="float64"):
        Column(key="x", kind=IndicatorKind.NUMERIC, float64=np.array([1], dtype=np.int64))
    with pytest.raises(TypeError, match="give present"):
        Column(key="x", kind=IndicatorKind.NUMERIC, scaled=np.array([1]), scale=1)
    empty = Column.from_floats(INCOME, IndicatorKind.NUMERIC, [])
    assert len(empty) == 0
    assert empty.scale == 1


def test_a_presence_given_with_floats_must_not_mark_nan():
    values = np.array([1.0, math.nan])
    column = Column(key="x", kind=IndicatorKind.NUMERIC, float64=values, present=[True, False])
    assert column.value(0) == 1
    narrower = Column(key="x", kind=IndicatorKind.NUMERIC, float64=values, present=[False, False])
    assert narrower.value(0) is None
    with pytest.raises(ValueError, match="NaN"):
        Column(key="x", kind=IndicatorKind.NUMERIC, float64=values, present=[True, True])
    with pytest.raises(ValueError, match="rows"):
        Column(key="x", kind=IndicatorKind.NUMERIC, float64=values, present=[True])


def test_a_narrower_presence_masks_the_floats_in_the_batch_path():
    """readiness narrows ``present`` with ``attrs.evolve``: values left behind must not count."""
    import attrs

    obs = income_floats([40.0, 50.0, 50.0])
    column = attrs.evolve(obs.columns[INCOME], present=np.array([True, False, True]))
    narrowed = attrs.evolve(obs, columns={INCOME: column})
    batch = assess(narrowed, on=ON, rulebook=BOOK)
    assert [batch.criterion_outcomes_of(i)["10"].value for i in range(3)] == [
        "not_met", "unknown", "met",
    ]  # fmt: skip


def test_integer_codes_and_periods_stay_arrays_until_asked():
    obs = income_floats([50.0, 40.0, math.nan])
    assert obs.code(1) == "1"
    assert obs.period(1) == 2023
    assert "units=3" in repr(obs)
    assert "2023" in repr(obs)
    assert obs.row_of("2") == 2
    assert obs.codes == ("0", "1", "2")
    assert obs.periods == (2023, 2023, 2023)
    for missing in ("02", "x", "-"):
        with pytest.raises(KeyError):
            obs.row_of(missing)
    picked = obs.select([2, 0])
    assert picked.codes == ("2", "0")
    assert len(obs.for_period(2023)) == 3
    assert len(obs.for_period(2024)) == 0
    batch = assess(obs, on=ON, rulebook=BOOK)
    assert batch.explain("1").criteria[9].outcome.value == "not_met"
    assert "<table" in obs._repr_html_()
    text = Observations(codes=np.array(["a", "b"], dtype=object), periods=np.array([2023, 2024]),
                        columns={})  # fmt: skip
    assert text.row_of("b") == 1
    assert text.row_of("b", 2024) == 1
    with pytest.raises(KeyError):
        text.row_of("b", 2023)
    assert text.codes == ("a", "b")
    with pytest.raises(ValueError, match="read-only"):
        text._codes[0] = "c"
    with pytest.raises(ValueError, match="periods"):
        Observations(codes=np.arange(2), periods=np.arange(3), columns={})


@pytest.mark.parametrize(
    ("comparator", "threshold", "fails"),
    [
        (Comparator.GE, True, [False, False, True, False]),
        (Comparator.EQ, True, [False, False, True, False]),
        (Comparator.EQ, False, [True, False, False, False]),
        (Comparator.LE, False, [True, False, False, False]),
        (Comparator.GE, False, [False, False, False, False]),
        (Comparator.LE, True, [False, False, False, False]),
    ],
)
def test_yes_no_flags_of_rows_not_observed_are_never_read(comparator, threshold, fails):
    """A frame's nullable booleans are kept as they are: the flag under a gap may be anything."""
    flags = np.array([True, True, False, False])
    column = Column(key="x", kind=IndicatorKind.BOOLEAN, present=[True, False, True, False],
                    scaled=flags, scale=1)  # fmt: skip
    leaf = _Leaf(key="x", comparator=comparator, thresholds=(Fraction(int(threshold)),))
    out = _leaf_fails(leaf, column, np.zeros(4, dtype=np.intp), np.empty(4, dtype=bool),
                      column.present)  # fmt: skip
    assert out.tolist() == fails
    assert column.num.tolist() == [1, 0, 0, 0]
