"""Reading DataFrames and Arrow tables column by column, without copies or per-row Python.

Issue 10: "DataFrame → decision at 1M ≤ 2× the float floor of the decision
alone." A float column is kept as it is (checked in one pass, never
converted), integer unit codes stay integers, and the observations cannot
change when the frame does.
"""

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import ntm_core as ntm
from ntm_core.engine import IndicatorCatalog
from ntm_core.exceptions import InputErrors
from ntm_core.io import _frames, observations_from_frame

INCOME = "income_per_capita"
SHARE = "health_insurance_coverage"


def catalog():
    return IndicatorCatalog.from_editions(ntm.Rulebook.bundled())


def frame(**columns):
    size = len(next(iter(columns.values())))
    return pd.DataFrame(
        {"unit_code": np.arange(18000, 18000 + size), "period": [2024] * size, **columns}
    )


def test_a_float_column_is_the_frames_memory_and_writes_to_the_frame_do_not_reach_it():
    data = frame(**{INCOME: [45.5, 50.0, np.nan], SHARE: [85.5, 0.1 + 0.2, 100.0]})
    obs = observations_from_frame(data, catalog=catalog())
    column = obs.columns[INCOME]
    assert column.float64 is not None
    assert np.shares_memory(column.float64, data[INCOME].to_numpy())  # not copied
    data.iloc[0, 2] = 1.0
    data.loc[1, INCOME] = 2.0
    assert data[INCOME].tolist()[:2] == [1.0, 2.0]
    assert [obs.value(INCOME, i) for i in range(3)] == [Fraction(91, 2), 50, None]
    assert obs.value(SHARE, 1) == Fraction("0.30000000000000004")
    with pytest.raises(ValueError, match="read-only"):
        column.float64[0] = 3.0


def test_without_copy_on_write_a_float_column_is_copied(monkeypatch):
    monkeypatch.setattr(_frames, "_copy_on_write", lambda: False)
    flags = pd.arrays.BooleanArray(np.array([True, False]), np.array([False, False]))
    data = frame(
        **{INCOME: [45.5, 50.0], "commune_plan_approved": flags},
        electricity_system_standard=np.array([True, False]),
    )
    obs = observations_from_frame(data, catalog=catalog())
    column = obs.columns[INCOME]
    assert not np.shares_memory(column.float64, data[INCOME].to_numpy())
    assert column.value(0) == Fraction(91, 2)
    assert not np.shares_memory(obs.columns["commune_plan_approved"].scaled, flags._data)
    assert obs.value("electricity_system_standard", 1) is False


def test_arrow_floats_are_read_without_a_copy():
    pa = pytest.importorskip("pyarrow")
    values = pa.array([45.5, 50.0, 46.0])
    table = pa.table({"unit_code": ["1", "2", "3"], "period": [2024] * 3, INCOME: values})
    column = observations_from_frame(table, catalog=catalog()).columns[INCOME]
    assert np.shares_memory(column.float64, values.to_numpy())
    assert column.value(0) == Fraction(91, 2)
    gaps = pa.table({"unit_code": ["1", "2"], "period": [2024] * 2, INCOME: [45.5, None]})
    column = observations_from_frame(gaps, catalog=catalog()).columns[INCOME]
    assert [column.value(0), column.value(1)] == [Fraction(91, 2), None]


def test_nullable_and_narrow_floats():
    data = frame(
        **{
            INCOME: pd.array([45.5, None, 46.0], dtype="Float64"),
            SHARE: np.array([85.5, 0.1, np.nan], dtype=np.float32),
        }
    )
    obs = observations_from_frame(data, catalog=catalog())
    assert [obs.value(INCOME, i) for i in range(3)] == [Fraction(91, 2), None, 46]
    # A float32 is read as the float64 it widens to, its shortest decimal.
    assert obs.value(SHARE, 1) == Fraction(repr(float(np.float32(0.1))))
    assert obs.value(SHARE, 2) is None


@pytest.mark.parametrize(
    ("values", "rows", "reason"),
    [
        ([1.0, -1.0, -0.0], [2], "must not be negative"),
        ([1.0, math.inf, 2.0], [2], "not a finite number"),
        ([1e31, 9.9e30, 0.0], [1], "out of range"),
        ([1e-31, 1e-30, 0.0], [1], "out of range"),
        ([5e-324, 1.0, 2.0], [1], "out of range"),
    ],
)
def test_bad_floats_are_named_by_row(values, rows, reason):
    with pytest.raises(InputErrors) as caught:
        observations_from_frame(frame(**{INCOME: values}), catalog=catalog(), source="f")
    assert [e.row for e in caught.value.exceptions] == rows
    assert all(e.column == INCOME for e in caught.value.exceptions)
    assert reason in str(caught.value.exceptions[0])


def test_shares_over_100_percent_are_named_by_row():
    data = frame(**{SHARE: [100.0, 100.00000000000001, 99.5]})
    with pytest.raises(InputErrors) as caught:
        observations_from_frame(data, catalog=catalog())
    assert [e.row for e in caught.value.exceptions] == [2]
    assert "cannot exceed 100 percent" in str(caught.value.exceptions[0])
    shares = frame(**{f"{SHARE} [dimensionless]": [1.0, 0.855]})
    obs = observations_from_frame(shares, catalog=catalog())
    assert [obs.value(SHARE, i) for i in range(2)] == [100, Fraction(171, 2)]


def test_a_unit_header_becomes_the_columns_factor():
    data = frame(**{f"{INCOME} [đồng/người/năm]": [46_000_000.0, 45_999_999.99]})
    column = observations_from_frame(data, catalog=catalog()).columns[INCOME]
    assert column.factor == Fraction(1, 10**6)
    assert [column.value(0), column.value(1)] == [46, Fraction("45.99999999")]


def test_integer_codes_stay_integers_and_duplicates_are_found_in_any_order():
    data = frame(**{INCOME: [45.5, 50.0, 46.0]})
    obs = observations_from_frame(data, catalog=catalog())
    assert obs.code(2) == "18002"
    assert obs.codes == ("18000", "18001", "18002")
    assert obs.row_of("18001") == 1
    shuffled = data.iloc[[2, 0, 1]].reset_index(drop=True)
    assert observations_from_frame(shuffled, catalog=catalog()).codes[0] == "18002"
    twice = data.iloc[[2, 0, 2]].reset_index(drop=True)
    with pytest.raises(InputErrors) as caught:
        observations_from_frame(twice, catalog=catalog())
    assert "unit '18002' is listed twice for 2024: rows 1 and 3" in str(caught.value.exceptions[0])


def test_text_codes_are_read_once_per_distinct_text():
    data = pd.DataFrame(
        {
            "unit_code": [" 18073 ", "18076", None, 1.5, "18073 "],
            "period": [2024, 2024, 2024, 2024, 2023],
            INCOME: [45.5, 50.0, 46.0, 47.0, 1.0],
        }
    )
    with pytest.raises(InputErrors) as caught:
        observations_from_frame(data, catalog=catalog())
    assert [(e.row, e.column) for e in caught.value.exceptions] == [
        (3, "unit_code"),
        (4, "unit_code"),
    ]
    good = data.drop(index=[2, 3]).reset_index(drop=True)
    obs = observations_from_frame(good, catalog=catalog())
    assert obs.codes == ("18073", "18076", "18073")
    assert obs.row_of("18073", 2023) == 2


def test_float_codes_are_text_when_whole():
    data = pd.DataFrame({"unit_code": [18073.0, 18076.0], "period": [2024, 2024], INCOME: [1, 2]})
    assert observations_from_frame(data, catalog=catalog()).codes == ("18073", "18076")


def test_nullable_booleans_use_their_mask():
    values = pd.arrays.BooleanArray(np.array([True, True, False]), np.array([False, True, False]))
    data = frame(commune_plan_approved=values)
    column = observations_from_frame(data, catalog=catalog()).columns["commune_plan_approved"]
    assert [column.value(i) for i in range(3)] == [True, None, False]
    assert column.num.tolist() == [1, 0, 0]  # 0 where not observed
    data.iloc[0, 2] = False
    assert column.value(0) is True
    plain = frame(electricity_system_standard=np.array([True, False]))
    obs = observations_from_frame(plain, catalog=catalog())
    plain.iloc[0, 2] = False
    assert obs.value("electricity_system_standard", 0) is True
    with pytest.raises(ValueError, match="read-only"):
        column.present[0] = False


def test_a_column_from_a_frame_still_owns_what_it_is_given_later():
    """``attrs.evolve`` with the caller's array copies it, as for any column."""
    import attrs

    values = pd.arrays.BooleanArray(np.array([True, False]), np.array([False, False]))
    data = frame(**{INCOME: [45.5, 50.0], "commune_plan_approved": values})
    obs = observations_from_frame(data, catalog=catalog())
    for key in (INCOME, "commune_plan_approved"):
        mine = np.array([True, True])
        column = attrs.evolve(obs.columns[key], present=mine)
        mine[0] = False
        assert column.value(0) is not None


def test_years_and_large_codes_are_checked_in_any_order():
    data = pd.DataFrame(
        {"unit_code": [2**41, -5, 7], "period": [2024, 24, 2024], INCOME: [1, 2, 3]}
    )
    with pytest.raises(InputErrors) as caught:
        observations_from_frame(data, catalog=catalog())
    assert [(e.row, e.column) for e in caught.value.exceptions] == [(2, "period")]
    good = data.assign(period=[2024, 2024, 2024])
    assert observations_from_frame(good, catalog=catalog()).codes[1] == "-5"
