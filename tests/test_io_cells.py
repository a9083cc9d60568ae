"""Reading cells (io._cells, through the readers): units, decimal commas, counts, yes/no, years.

Each cell is converted once, exactly, into its indicator's canonical unit, or
is a problem naming the file, row (the header is row 1), column and value.
"""

import unicodedata
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from io_support import WIDE, bundled_catalog, content, only_problem, problems, write, write_rows
from ntm_core.exceptions import InputError
from ntm_core.io import observations_from_records, read_observations
from strategies import decimal_magnitudes


@pytest.fixture(scope="module")
def catalog():
    return bundled_catalog()


def test_empty_cell_is_not_observed_never_zero(tmp_path, catalog):
    observations = read_observations(write(tmp_path, "wide.csv", WIDE), catalog=catalog)
    assert observations.value("income_per_capita", 1) is None
    assert not observations.columns["income_per_capita"].present[1]
    assert observations.value("green_land_per_person", 0) is None


@pytest.mark.parametrize(
    ("header", "cell", "expected"),
    [
        ("income_per_capita [đồng/người/năm]", "45000001", Fraction(45000001, 1000000)),
        ("income_per_capita [đồng/người/năm]", "44999999", Fraction(44999999, 1000000)),
        ("income_per_capita [triệu đồng/người/năm]", "45.5", Fraction(91, 2)),
        ("income_per_capita [million_VND / person / year]", "45", Fraction(45)),
        ("income_per_capita [tỷ đồng/người/năm]", "0.045", Fraction(45)),
        ("income_per_capita", "45 triệu đồng/người/năm", Fraction(45)),
        ("income_per_capita [đồng/người/năm]", "45 triệu/người/năm", Fraction(45)),
        ("green_land_per_person [m²/người]", "4.5", Fraction(9, 2)),
        ("health_insurance_coverage [%]", "85", Fraction(85)),
        ("health_insurance_coverage [dimensionless]", "0.85", Fraction(85)),
        ("health_insurance_coverage", "85 %", Fraction(85)),
        ("health_insurance_coverage", "85.5%", Fraction(171, 2)),
        ("health_insurance_coverage", "85 phần trăm", Fraction(85)),
        ("disaster_prevention_score", "85%", Fraction(17, 20)),
        ("income_per_capita", "1e2", Fraction(100)),
        ("income_per_capita", "+45", Fraction(45)),
    ],
)
def test_units_in_headers_and_cells_convert_exactly(tmp_path, catalog, header, cell, expected):
    path = write_rows(tmp_path, "w.csv", [["unit_code", "period", header], ["1", "2024", cell]])
    observations = read_observations(path, catalog=catalog)
    (key,) = observations.columns
    assert observations.value(key, 0) == expected


def test_a_header_unit_of_the_wrong_dimension_names_the_column(tmp_path, catalog):
    path = write(
        tmp_path, "w.csv", "unit_code,period,income_per_capita [km]\n1,2024,45\n2,2024,x\n"
    )
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    error = only_problem(excinfo)  # one problem for the column, not one per cell
    assert (error.row, error.column, error.value) == (1, "income_per_capita [km]", "km")
    assert str(error) == (
        f"{path}, row 1, column 'income_per_capita [km]': expected a unit convertible to "
        "million_VND / person / year, got 'km' "
        "(kilometer cannot be converted to million_VND / person / year)"
    )


def test_an_unknown_header_unit_names_the_column(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,income_per_capita [bananas]\n1,2024,45\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert "unknown unit 'bananas'" in str(only_problem(excinfo))


def test_a_unit_on_a_yes_no_column_is_an_error(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,commune_plan_approved [%]\n1,2024,Đạt\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert "no unit for a yes/no indicator" in str(only_problem(excinfo))


def test_a_value_in_the_wrong_unit(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,income_per_capita\n1,2024,10\n2,2024,45 km\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        (
            f"{path}, row 3, column 'income_per_capita': expected a unit convertible to "
            "million_VND / person / year, got '45 km' "
            "(kilometer cannot be converted to million_VND / person / year)"
        )
    ]


def test_decimal_comma_is_detected_in_a_semicolon_file(tmp_path, catalog):
    path = write(
        tmp_path,
        "w.csv",
        "unit_code;period;income_per_capita;green_land_per_person\n"
        "1;2024;45,5;1.234,5\n"
        "2;2024;46;4\n",
    )
    observations = read_observations(path, catalog=catalog)
    assert observations.value("income_per_capita", 0) == Fraction(91, 2)
    assert observations.value("green_land_per_person", 0) == Fraction(2469, 2)
    assert observations.value("income_per_capita", 1) == 46


def test_decimal_comma_is_detected_in_quoted_cells(tmp_path, catalog):
    path = write_rows(
        tmp_path, "w.csv", [["unit_code", "period", "stunting_under5"], ["1", "2024", "45,5"]]
    )
    assert read_observations(path, catalog=catalog).value("stunting_under5", 0) == Fraction(91, 2)


def test_a_decimal_point_file_keeps_thousands_commas(tmp_path, catalog):
    rows = [["unit_code", "period", "income_per_capita [đồng/người/năm]", "stunting_under5"]]
    rows += [["1", "2024", "45,000,001", "12.5"]]
    observations = read_observations(write_rows(tmp_path, "w.csv", rows), catalog=catalog)
    assert observations.value("income_per_capita", 0) == Fraction(45000001, 1000000)
    assert observations.value("stunting_under5", 0) == Fraction(25, 2)


def test_a_comma_in_a_decimal_point_file_is_an_error_with_a_hint(tmp_path, catalog):
    rows = [
        ["unit_code", "period", "stunting_under5"],
        ["1", "2024", "12.5"],
        ["2", "2024", "45,5"],
    ]
    path = write_rows(tmp_path, "w.csv", rows)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    error = only_problem(excinfo)
    assert (error.row, error.column, error.value) == (3, "stunting_under5", "45,5")
    assert "pass decimal_comma=True" in str(error)


def test_explicit_decimal_comma_overrides_detection(tmp_path, catalog):
    rows = [["unit_code", "period", "green_land_per_person"], ["1", "2024", "1.234"]]
    path = write_rows(tmp_path, "w.csv", rows)
    assert read_observations(path, catalog=catalog).value("green_land_per_person", 0) == Fraction(
        1234, 1000
    )
    assert read_observations(path, catalog=catalog, decimal_comma=True).value(
        "green_land_per_person", 0
    ) == Fraction(1234)


def test_a_decimal_point_in_a_decimal_comma_file_is_an_error(tmp_path, catalog):
    rows = [["unit_code", "period", "stunting_under5"], ["1", "2024", "12.5"]]
    path = write_rows(tmp_path, "w.csv", rows)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog, decimal_comma=True)
    assert "'.' may only group thousands" in str(only_problem(excinfo))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("850/1000", Fraction(85)),
        ("850 / 1000", Fraction(85)),
        ("0/10", Fraction(0)),
        ("10/10", Fraction(100)),
        ("1/3", Fraction(100, 3)),
        ("100", Fraction(100)),
        ("0", Fraction(0)),
        ("100%", Fraction(100)),
    ],
)
def test_ratio_cells(tmp_path, catalog, cell, expected):
    path = write_rows(
        tmp_path,
        "w.csv",
        [["unit_code", "period", "health_insurance_coverage"], ["1", "2024", cell]],
    )
    assert (
        read_observations(path, catalog=catalog).value("health_insurance_coverage", 0) == expected
    )


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("120", "a share cannot exceed 100 percent"),
        ("100.01%", "a share cannot exceed 100 percent"),
        ("-5", "must not be negative"),
        ("-5%", "must not be negative"),
        ("5/0", "the denominator must be greater than 0"),
        ("11/10", "the numerator exceeds the denominator"),
        ("-1/10", "counts must not be negative"),
        ("1/-10", "the denominator must be greater than 0"),
        ("abc", "not a number"),
        ("%", "not a number"),
    ],
)
def test_bad_ratio_cells_name_row_column_value_and_reason(tmp_path, catalog, cell, reason):
    rows = [["unit_code", "period", "health_insurance_coverage"], ["1", "2024", "50"]]
    rows.append(["2", "2024", cell])
    path = write_rows(tmp_path, "w.csv", rows)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    error = only_problem(excinfo)
    assert type(error) is InputError
    assert (error.source, error.row, error.column, error.value) == (
        str(path),
        3,
        "health_insurance_coverage",
        cell,
    )
    assert str(error).startswith(f"{path}, row 3, column 'health_insurance_coverage': expected ")
    assert f"got {cell!r} ({reason})" in str(error)


def test_counts_in_a_numeric_column_are_an_error(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,income_per_capita\n1,2024,850/1000\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert "got '850/1000'" in str(only_problem(excinfo))


@pytest.mark.parametrize(
    ("column", "cell", "fragment"),
    [
        ("income_per_capita", "-1", "expected a non-negative number"),
        ("income_per_capita", "abc", "(not a number)"),
        ("income_per_capita", "1e999999999", "(out of range: at most 40 digits"),
        ("income_per_capita", "NaN", "(not a number)"),
        ("income_per_capita", "4 5", "unknown unit '5'"),
        ("green_land_per_person", "1.2.3", "not a number"),
    ],
)
def test_bad_numbers(tmp_path, catalog, column, cell, fragment):
    path = write_rows(tmp_path, "w.csv", [["unit_code", "period", column], ["1", "2024", cell]])
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    error = only_problem(excinfo)
    assert (error.row, error.column) == (2, column)
    assert fragment in str(error)


YES_WORDS = ["Đạt", "đạt", "ĐẠT", "dat", "x", "X", "có", "Có", "yes", "YES", "true", "True", "1"]


NO_WORDS = ["Không đạt", "không đạt", "KHÔNG ĐẠT", "chưa đạt", "không", "no", "No", "false", "0"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(w, True) for w in YES_WORDS]
    + [(w, False) for w in NO_WORDS]
    + [(unicodedata.normalize("NFD", "Đạt"), True)]
    + [(unicodedata.normalize("NFD", "Không Đạt"), False)]
    + [(" đạt ", True), ("", None)],
)
def test_yes_no_words(tmp_path, catalog, cell, expected):
    path = write_rows(
        tmp_path, "w.csv", [["unit_code", "period", "commune_plan_approved"], ["1", "2024", cell]]
    )
    assert read_observations(path, catalog=catalog).value("commune_plan_approved", 0) is expected


def test_an_unknown_yes_no_word(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,1.1\n1,2024,Đạt\n2,2024,maybe\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        (
            f"{path}, row 3, column '1.1': expected yes or no (Đạt/Không đạt, có/không, x, "
            "yes/no, true/false, 1/0), got 'maybe'"
        )
    ]


@pytest.mark.parametrize("period", ["24", "2024-01", "abcd", "1800", "2024.5"])
def test_a_period_that_is_not_a_year(tmp_path, catalog, period):
    path = write(tmp_path, "w.csv", f"unit_code,period,stunting_under5\n1,{period},10\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        (
            f"{path}, row 2, column 'period': expected a year between 1900 and 2100, "
            f"such as 2024, got {period!r}"
        )
    ]


@given(
    shares=st.lists(decimal_magnitudes(max_value=100, places=2), min_size=1, max_size=20),
    areas=st.lists(decimal_magnitudes(max_value=10**6, places=4), min_size=1, max_size=20),
    comma=st.booleans(),
)
def test_exact_decimals_round_trip_through_a_wide_csv(
    tmp_path_factory, catalog, shares, areas, comma
):
    """Any decimal written to a wide CSV reads back as exactly the same fraction."""
    size = max(len(shares), len(areas))
    shares = (shares * size)[:size]
    areas = (areas * size)[:size]

    def text(value):
        out = format(value, "f")
        return out.replace(".", ",") if comma else out

    rows = [["unit_code", "period", "stunting_under5", "green_land_per_person [m²/người]"]]
    rows += [
        [f"{i:05d}", "2024", text(s), text(a)]
        for i, (s, a) in enumerate(zip(shares, areas, strict=True))
    ]
    path = write_rows(
        tmp_path_factory.mktemp("prop"), "w.csv", rows, delimiter=";" if comma else ","
    )
    observations = read_observations(path, catalog=catalog)
    assert [observations.value("stunting_under5", i) for i in range(size)] == [
        Fraction(s) for s in shares
    ]
    assert [observations.value("green_land_per_person", i) for i in range(size)] == [
        Fraction(a) for a in areas
    ]
    records = observations_from_records(
        [dict(zip(rows[0], row, strict=True)) for row in rows[1:]],
        catalog=catalog,
        decimal_comma=comma,
    )
    assert content(records) == content(observations)


@pytest.mark.parametrize(
    ("column", "cell", "fragment"),
    [
        ("income_per_capita", "850/1000", "(counts are only for ratio indicators)"),
        ("income_per_capita", "85%", "percent cannot be converted to million_VND"),
        ("health_insurance_coverage", "1/2/3", "unknown unit '/2/3'"),
        ("health_insurance_coverage", "a/b", "(not a number)"),
    ],
)
def test_more_bad_cells(tmp_path, catalog, column, cell, fragment):
    rows = [["unit_code", "period", column], ["1", "2024", "5"], ["2", "2024", cell]]
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(write_rows(tmp_path, "w.csv", rows), catalog=catalog)
    error = only_problem(excinfo)
    assert (error.row, error.column, error.value) == (3, column, cell)
    assert fragment in str(error)


def test_whitespace_only_cells_are_not_observed(tmp_path, catalog):
    rows = [["unit_code", "period", "15.3", "1.1"], ["1", "2024", "  ", " "]]
    observations = read_observations(write_rows(tmp_path, "w.csv", rows), catalog=catalog)
    assert observations.value("stunting_under5", 0) is None
    assert observations.value("commune_plan_approved", 0) is None


def test_thousands_commas_alone_read_as_decimal_commas_and_say_so(tmp_path, catalog):
    """With no '.' anywhere, '45,000,001' votes for decimal commas; the message says how to fix it."""
    rows = [["unit_code", "period", "10 [đồng/người/năm]"], ["1", "2024", "45,000,001"]]
    path = write_rows(tmp_path, "w.tsv", rows, delimiter="\t")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert "pass decimal_comma=False if ',' groups thousands" in str(only_problem(excinfo))
    observations = read_observations(path, catalog=catalog, decimal_comma=False)
    assert observations.value("income_per_capita", 0) == Fraction(45000001, 10**6)
