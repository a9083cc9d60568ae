"""The column reader (io._columns): exact integer arrays, overflow to Python ints, shared parses."""

from fractions import Fraction

import pytest

from io_support import WIDE, bundled_catalog, write, write_rows
from ntm_core.io import read_observations
from ntm_core.rules import IndicatorKind


@pytest.fixture(scope="module")
def catalog():
    return bundled_catalog()


def test_columns_are_exact_integer_arrays(tmp_path, catalog):
    observations = read_observations(write(tmp_path, "wide.csv", WIDE), catalog=catalog)
    column = observations.columns["stunting_under5"]
    assert column.kind is IndicatorKind.RATIO
    assert column.num.tolist() == [25, 85]
    assert column.den.tolist() == [2, 1]  # lowest terms
    boolean = observations.columns["commune_plan_approved"]
    assert boolean.num.tolist() == [1, 0]
    assert boolean.den.tolist() == [1, 1]


def test_one_dong_below_a_threshold_stays_below(tmp_path, catalog):
    """The OpenFisca float32 bug: 1 VND under 70,000,000 must not round up."""
    path = write(tmp_path, "w.csv", "unit_code,period,10 [đồng/người/năm]\n1,2024,69999999\n")
    value = read_observations(path, catalog=catalog).value("income_per_capita", 0)
    assert value < 70
    assert value == Fraction(69_999_999, 1_000_000)


def test_numbers_too_large_for_int64_stay_exact(tmp_path, catalog):
    huge = "123456789012345678901234567890"
    path = write(
        tmp_path, "w.csv", f"unit_code,period,income_per_capita [đồng/người/năm]\n1,2024,{huge}\n"
    )
    observations = read_observations(path, catalog=catalog)
    assert observations.value("income_per_capita", 0) == Fraction(int(huge), 10**6)
    assert observations.columns["income_per_capita"].num.dtype == object


def test_long_layout_units_are_parsed_once_per_string(tmp_path, catalog):
    rows = [["unit_code", "period", "indicator", "value", "unit"]]
    rows += [[str(i), "2024", "10", str(45_000_000 + i), "đồng/người/năm"] for i in range(50)]
    rows += [[str(i), "2024", "15.1", "0,5", ""] for i in range(50)]
    observations = read_observations(write_rows(tmp_path, "long.csv", rows), catalog=catalog)
    assert observations.value("income_per_capita", 7) == Fraction(45_000_007, 10**6)
    assert observations.value("health_insurance_coverage", 7) == Fraction(1, 2)


def test_columns_with_the_same_values_share_one_parse(tmp_path, catalog):
    rows = [["unit_code", "period", "15.1", "15.3", "15.4"]]
    rows += [[str(i), "2024", "85.5", "85.5", "85.50"] for i in range(3)]
    observations = read_observations(write_rows(tmp_path, "w.csv", rows), catalog=catalog)
    for key in ("health_insurance_coverage", "stunting_under5", "electronic_health_record_share"):
        assert [observations.value(key, i) for i in range(3)] == [Fraction(171, 2)] * 3


def test_values_between_2_62_and_2_63_are_kept_as_python_ints(tmp_path, catalog):
    rows = [["unit_code", "period", "green_land_per_person"], ["1", "2024", str(2**62 + 1)]]
    observations = read_observations(write_rows(tmp_path, "w.csv", rows), catalog=catalog)
    assert observations.value("green_land_per_person", 0) == 2**62 + 1
    assert observations.columns["green_land_per_person"].num.dtype == object
