"""Reading observations: layouts, values as people type them, exactness, and every error.

The readers turn CSV, JSON, Excel files and Python records into exact columns
in each indicator's canonical unit, or raise every problem of the input at
once (an ``ExceptionGroup`` of ``InputError``), each naming file, row (the
header is row 1), column and value. Nothing is returned partially.
"""

import csv
import json
import sys
import unicodedata
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_core.engine import IndicatorCatalog
from ntm_core.exceptions import DataError, InputError, UnknownIndicatorError
from ntm_core.io import observations_from_records, read_observations, read_units
from ntm_core.rules import IndicatorKind, Rulebook
from ntm_core.units import registry
from strategies import decimal_magnitudes

EDITIONS = (
    "vn.commune.standard@2021-2025",
    "vn.commune.advanced@2021-2025",
    "vn.commune.model@2021-2025",
)


@pytest.fixture(scope="module")
def catalog():
    book = Rulebook.bundled()
    return IndicatorCatalog.from_editions([book.get(e) for e in EDITIONS])


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_rows(tmp_path, name, rows, delimiter=","):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def content(observations):
    """Everything observed, by (code, period): values and attributes, order-free."""
    out = {}
    for row in range(len(observations)):
        values = {
            key: observations.value(key, row)
            for key in observations.columns
            if observations.value(key, row) is not None
        }
        attributes = {
            name: values_[row]
            for name, values_ in observations.attributes.items()
            if values_[row] is not None
        }
        out[observations.codes[row], observations.periods[row]] = (values, attributes)
    return out


def problems(excinfo):
    """The messages of an ExceptionGroup, as strings."""
    return [str(e) for e in excinfo.value.exceptions]


def only_problem(excinfo):
    (error,) = excinfo.value.exceptions
    return error


WIDE = (
    "unit_code,period,name,region,income_per_capita [đồng/người/năm],15.3,"
    "health_insurance_coverage,commune_plan_approved,green_land_per_person\n"
    "18073,2024,Phường Nam Hà,BTB,45000001,12.5,850/1000,Đạt,\n"
    "18074,2024,Xã Thạch Hạ,BTB,,85%,90,Không đạt,4.5\n"
)

LONG = (
    "unit_code,period,indicator,value,unit,source\n"
    "18073,2024,income_per_capita,45.000001,triệu đồng/người/năm,survey\n"
    "18073,2024,stunting_under5,12.5,,\n"
    "18073,2024,health_insurance_coverage,85,%,\n"
    "18073,2024,1.1,Đạt,,\n"
    "18074,2024,stunting_under5,85,,\n"
    "18074,2024,health_insurance_coverage,90,,\n"
    "18074,2024,commune_plan_approved,không đạt,,\n"
    "18074,2024,17.4,4.5,m²/người,\n"
)

EXPECTED = {
    ("18073", 2024): {
        "income_per_capita": Fraction(45000001, 1000000),
        "stunting_under5": Fraction(25, 2),
        "health_insurance_coverage": Fraction(85),
        "commune_plan_approved": True,
    },
    ("18074", 2024): {
        "stunting_under5": Fraction(85),
        "health_insurance_coverage": Fraction(90),
        "commune_plan_approved": False,
        "green_land_per_person": Fraction(9, 2),
    },
}


# ---------------------------------------------------------------- layouts


def test_wide_csv_reads_exact_canonical_values(tmp_path, catalog):
    observations = read_observations(write(tmp_path, "wide.csv", WIDE), catalog=catalog)
    assert observations.codes == ("18073", "18074")
    assert observations.periods == (2024, 2024)
    assert {k: v for k, (v, _) in content(observations).items()} == EXPECTED
    assert observations.attributes["name"] == ("Phường Nam Hà", "Xã Thạch Hạ")
    assert observations.attributes["region"] == ("BTB", "BTB")
    assert observations.source == str(tmp_path / "wide.csv")


def test_long_csv_reads_the_same_values(tmp_path, catalog):
    observations = read_observations(write(tmp_path, "long.csv", LONG), catalog=catalog)
    assert observations.codes == ("18073", "18074")
    assert {k: v for k, (v, _) in content(observations).items()} == EXPECTED


def test_both_layouts_in_every_format_give_equal_observations(tmp_path, catalog):
    wide = list(csv.DictReader(WIDE.splitlines()))
    long = list(csv.DictReader(LONG.splitlines()))
    for row in wide:
        del row["name"], row["region"]
    read = [
        read_observations(write(tmp_path, "wide.csv", WIDE), catalog=catalog),
        read_observations(write(tmp_path, "long.csv", LONG), catalog=catalog),
        read_observations(write(tmp_path, "wide.json", json.dumps(wide)), catalog=catalog),
        read_observations(
            write(tmp_path, "long.json", json.dumps({"observations": long})), catalog=catalog
        ),
        observations_from_records(wide, catalog=catalog),
        observations_from_records(long, catalog=catalog),
    ]
    values = [{k: v for k, (v, _) in content(o).items()} for o in read]
    assert all(v == EXPECTED for v in values)


def test_columns_are_exact_integer_arrays(tmp_path, catalog):
    observations = read_observations(write(tmp_path, "wide.csv", WIDE), catalog=catalog)
    column = observations.columns["stunting_under5"]
    assert column.kind is IndicatorKind.RATIO
    assert column.num.tolist() == [25, 85]
    assert column.den.tolist() == [2, 1]  # lowest terms
    boolean = observations.columns["commune_plan_approved"]
    assert boolean.num.tolist() == [1, 0]
    assert boolean.den.tolist() == [1, 1]


def test_empty_cell_is_not_observed_never_zero(tmp_path, catalog):
    observations = read_observations(write(tmp_path, "wide.csv", WIDE), catalog=catalog)
    assert observations.value("income_per_capita", 1) is None
    assert not observations.columns["income_per_capita"].present[1]
    assert observations.value("green_land_per_person", 0) is None


def test_aliases_code_and_year_and_case_of_id_columns(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "Code,YEAR,Stunting_Under5\n18073,2024,10\n")
    observations = read_observations(path, catalog=catalog)
    assert observations.codes == ("18073",)
    assert observations.value("stunting_under5", 0) == 10


def test_attribute_only_file_has_no_columns(tmp_path, catalog):
    observations = read_observations(
        write(tmp_path, "w.csv", "unit_code,period,name\n18073,2024,A\n"), catalog=catalog
    )
    assert dict(observations.columns) == {}
    assert observations.attributes["name"] == ("A",)


# ---------------------------------------------------------------- legal codes


def test_legal_code_columns_map_to_stable_keys(tmp_path, catalog):
    """Decision 318/QĐ-TTg numbers indicator 15.3 'stunting of children under 5'."""
    assert catalog.codes["15.3"] == "stunting_under5"
    assert catalog.codes["10"] == "income_per_capita"
    path = write(tmp_path, "w.csv", "unit_code,period,15.3,10,17.10\n18073,2024,20,45,80\n")
    observations = read_observations(path, catalog=catalog)
    assert set(observations.columns) == {
        "stunting_under5",
        "income_per_capita",
        "households_waste_sorting_share",
    }
    assert observations.value("stunting_under5", 0) == 20
    assert observations.value("households_waste_sorting_share", 0) == 80


def test_a_key_and_its_code_in_one_file_are_one_column_twice(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,stunting_under5,15.3\n18073,2024,20,21\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    (message,) = problems(excinfo)
    assert message == (
        f"{path}, row 1, column '15.3': column '15.3' repeats column 'stunting_under5' "
        "(both mean 'stunting_under5')"
    )


# ---------------------------------------------------------------- units


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


# ---------------------------------------------------------------- decimal comma


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


# ---------------------------------------------------------------- ratios and counts


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


# ---------------------------------------------------------------- yes/no


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


# ---------------------------------------------------------------- text and encodings


def test_a_utf8_bom_is_fine(tmp_path, catalog):
    path = write(tmp_path, "w.csv", WIDE, encoding="utf-8-sig")
    observations = read_observations(path, catalog=catalog)
    assert observations.codes == ("18073", "18074")


def test_names_and_attributes_are_nfc_and_stripped(tmp_path, catalog):
    text = "unit_code,period,name,region,commune_kind\n 18073 ,2024, Phường Nam Hà , BTB ,\n"
    path = write(tmp_path, "w.csv", unicodedata.normalize("NFD", text))
    observations = read_observations(path, catalog=catalog)
    assert observations.codes == ("18073",)
    assert observations.attributes["name"] == (unicodedata.normalize("NFC", "Phường Nam Hà"),)
    assert observations.attributes["region"] == ("BTB",)
    assert "commune_kind" not in observations.attributes


def test_nfd_header_names_resolve(tmp_path, catalog):
    header = unicodedata.normalize("NFD", "income_per_capita [triệu đồng/người/năm]")
    path = write(tmp_path, "w.csv", f"unit_code,period,{header}\n1,2024,45\n")
    assert read_observations(path, catalog=catalog).value("income_per_capita", 0) == 45


def test_tab_separated_files_are_read(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code\tperiod\tstunting_under5\n1\t2024\t12,5\n")
    assert read_observations(path, catalog=catalog).value("stunting_under5", 0) == Fraction(25, 2)


def test_crlf_blank_lines_and_empty_unnamed_columns_are_fine(tmp_path, catalog):
    text = "unit_code,period,stunting_under5,\r\n1,2024,12,\r\n,,,\r\n\r\n2,2024,13\r\n"
    observations = read_observations(write(tmp_path, "w.csv", text), catalog=catalog)
    assert observations.codes == ("1", "2")


def test_a_row_with_extra_values_is_an_error(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,stunting_under5\n1,2024,12,99\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [f"{path}, row 2: the row has 4 cells but the header has 3 columns"]


def test_an_unnamed_column_with_values_is_an_error(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,,stunting_under5\n1,2024,oops,12\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        f"{path}, row 1, column '#3': a column without a name holds values"
    ]


# ---------------------------------------------------------------- row errors


def test_an_unknown_indicator_column_suggests_a_key(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,income_per_capta\n1,2024,45\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    error = only_problem(excinfo)
    assert isinstance(error, UnknownIndicatorError)
    assert isinstance(error, InputError)
    assert isinstance(error, KeyError)
    assert str(error) == (
        f"{path}, row 1, column 'income_per_capta': unknown indicator 'income_per_capta' "
        "(did you mean 'income_per_capita'?)"
    )


def test_an_unknown_column_without_a_close_key(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,zzz\n1,2024,45\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert "unknown indicator 'zzz'; expected an indicator key or legal code" in str(
        only_problem(excinfo)
    )


def test_a_unit_listed_twice_for_one_period_names_both_rows(tmp_path, catalog):
    text = "unit_code,period,stunting_under5\n1,2024,10\n2,2024,11\n1,2025,12\n1,2024,13\n"
    path = write(tmp_path, "w.csv", text)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        f"{path}, row 5, column 'unit_code': unit '1' is listed twice for 2024: rows 2 and 5"
    ]


def test_several_periods_of_one_unit_are_fine(tmp_path, catalog):
    text = "unit_code,period,stunting_under5\n1,2024,10\n1,2025,12\n"
    observations = read_observations(write(tmp_path, "w.csv", text), catalog=catalog)
    assert observations.for_period(2025).value("stunting_under5", 0) == 12


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


def test_missing_unit_code_and_period(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,stunting_under5\n,2024,10\n1,,10\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        f"{path}, row 2, column 'unit_code': missing unit code",
        f"{path}, row 3, column 'period': missing period (the assessment year)",
    ]


def test_every_problem_is_collected_and_nothing_is_returned(tmp_path, catalog):
    text = (
        "unit_code,period,income_per_capita,15.3,commune_plan_approved,bogus\n"
        "1,2024,abc,120,maybe,1\n"
        "1,2024,45 km,850/100,x,\n"
        ",20x4,1,1,1,\n"
        "3,2024,45,12,Đạt,\n"
    )
    path = write(tmp_path, "bad.csv", text)
    result = None
    with pytest.raises(ExceptionGroup) as excinfo:
        result = read_observations(path, catalog=catalog)
    assert result is None
    assert str(excinfo.value).startswith(f"{path}: 9 problems in the observations")
    assert all(isinstance(e, InputError) for e in excinfo.value.exceptions)
    where = [(e.row, e.column) for e in excinfo.value.exceptions]
    assert where == [
        (1, "bogus"),
        (2, "income_per_capita"),
        (2, "15.3"),
        (2, "commune_plan_approved"),
        (3, "unit_code"),
        (3, "income_per_capita"),
        (3, "15.3"),
        (4, "unit_code"),
        (4, "period"),
    ]


# ---------------------------------------------------------------- whole-file errors


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "empty file: no header row"),
        ("blank.csv", b"\n\n  \n", "empty file: no header row"),
        ("header.csv", b"unit_code,period,stunting_under5\n", "no data rows below the header"),
        ("blank-rows.csv", b"unit_code,period,stunting_under5\n,,\n", "no data rows below"),
        ("latin1.csv", "unit_code,period,name\n1,2024,Hà\n".encode("cp1258"), "not UTF-8"),
        ("bad.json", b'[{"unit_code": 1,', "unreadable JSON"),
        ("nan.json", b'[{"unit_code": "1", "period": 2024, "15.3": NaN}]', "unreadable JSON"),
        ("scalar.json", b'"hello"', "expected a list of objects"),
        ("empty.json", b"[]", "no observations: the list is empty"),
        ("notes.txt.xls", b"x", "unsupported file type '.xls'"),
    ],
)
def test_whole_file_problems_raise_data_error(tmp_path, catalog, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataError, match=message) as excinfo:
        read_observations(path, catalog=catalog)
    assert excinfo.value.source == str(path)


def test_not_utf8_says_how_to_fix_it(tmp_path, catalog):
    path = tmp_path / "latin1.csv"
    path.write_bytes("unit_code,period,name\n1,2024,Hà\n".encode("cp1258"))
    with pytest.raises(DataError) as excinfo:
        read_observations(path, catalog=catalog)
    assert excinfo.value.row == 2
    assert "save the file as 'CSV UTF-8'" in str(excinfo.value)


def test_a_missing_file(tmp_path, catalog):
    with pytest.raises(DataError, match="cannot read the file"):
        read_observations(tmp_path / "nope.csv", catalog=catalog)


def test_a_file_in_neither_layout_says_which_columns_were_expected(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "commune,score\nA,1\n")
    with pytest.raises(DataError) as excinfo:
        read_observations(path, catalog=catalog)
    assert str(excinfo.value) == (
        f"{path}: neither layout: expected the long layout's columns "
        "unit_code, period, indicator, value[, unit][, source], or the wide layout's "
        "unit_code (or code), period (or year) and one column per indicator; "
        "found 'commune', 'score'"
    )


# ---------------------------------------------------------------- long layout


def test_long_layout_errors_name_the_right_column(tmp_path, catalog):
    text = (
        "unit_code,period,indicator,value,unit\n"
        "1,2024,income_per_capita,45,km\n"
        "1,2024,stunting_under5,12,\n"
        "1,2024,15.3,13,\n"
        "1,2024,income_per_capta,45,\n"
        "1,2024,,45,\n"
        "1,2024,health_insurance_coverage,101,\n"
        "1,2024,commune_plan_approved,Đạt,ha\n"
    )
    path = write(tmp_path, "long.csv", text)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        (
            f"{path}, row 2, column 'unit': expected a unit convertible to million_VND / person / "
            "year, got 'km' (kilometer cannot be converted to million_VND / person / year)"
        ),
        (
            f"{path}, row 4, column 'indicator': unit '1' has 'stunting_under5' twice for 2024: "
            "rows 3 and 4"
        ),
        (
            f"{path}, row 5, column 'indicator': unknown indicator 'income_per_capta' "
            "(did you mean 'income_per_capita'?)"
        ),
        f"{path}, row 6, column 'indicator': missing indicator",
        (
            f"{path}, row 7, column 'value': expected a share in percent between 0 and 100 "
            "(85, 85% or counts such as 850/1000), got '101' (a share cannot exceed 100 percent)"
        ),
        f"{path}, row 8, column 'unit': expected no unit for a yes/no indicator, got 'ha'",
    ]
    assert isinstance(excinfo.value.exceptions[2], UnknownIndicatorError)


def test_long_layout_rejects_unknown_columns(tmp_path, catalog):
    path = write(tmp_path, "long.csv", "unit_code,period,indicator,value,note\n1,2024,15.3,12,x\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    (message,) = problems(excinfo)
    assert message.startswith(f"{path}, row 1, column 'note': unknown column 'note' in the long")


def test_long_layout_attributes_must_agree_per_unit(tmp_path, catalog):
    text = (
        "unit_code,period,indicator,value,name\n"
        "1,2024,15.3,12,Xã A\n"
        "1,2024,15.1,90,\n"
        "2,2024,15.3,12,Xã B\n"
        "2,2024,15.1,90,Xã C\n"
    )
    path = write(tmp_path, "long.csv", text)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        (
            f"{path}, row 5, column 'name': name is 'Xã B' in row 4 but 'Xã C' here, "
            "for the same unit and period"
        )
    ]
    text = text.replace("Xã C", "Xã B")
    observations = read_observations(write(tmp_path, "long.csv", text), catalog=catalog)
    assert observations.attributes["name"] == ("Xã A", "Xã B")


def test_long_layout_units_are_parsed_once_per_string(tmp_path, catalog):
    rows = [["unit_code", "period", "indicator", "value", "unit"]]
    rows += [[str(i), "2024", "10", str(45_000_000 + i), "đồng/người/năm"] for i in range(50)]
    rows += [[str(i), "2024", "15.1", "0,5", ""] for i in range(50)]
    observations = read_observations(write_rows(tmp_path, "long.csv", rows), catalog=catalog)
    assert observations.value("income_per_capita", 7) == Fraction(45_000_007, 10**6)
    assert observations.value("health_insurance_coverage", 7) == Fraction(1, 2)


# ---------------------------------------------------------------- JSON


def test_json_numbers_are_exact_and_counts_may_be_pairs(tmp_path, catalog):
    data = [
        {
            "unit_code": "1",
            "period": 2024,
            "income_per_capita": 45.1,
            "15.3": [5, 100],
            "commune_plan_approved": True,
            "1.2": 0,
            "green_land_per_person": None,
        }
    ]
    path = write(tmp_path, "w.json", json.dumps(data))
    observations = read_observations(path, catalog=catalog)
    assert observations.value("income_per_capita", 0) == Fraction(451, 10)
    assert observations.value("stunting_under5", 0) == 5
    assert observations.value("commune_plan_approved", 0) is True
    assert observations.value("plan_management_rules_issued", 0) is False
    assert observations.value("green_land_per_person", 0) is None


def test_json_rows_are_positions(tmp_path, catalog):
    data = [
        {"unit_code": "1", "period": 2024, "15.3": 5},
        "oops",
        {"unit_code": "2", "period": 2024, "15.3": "x"},
    ]
    path = write(tmp_path, "w.json", json.dumps(data))
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert [(e.row, e.column) for e in excinfo.value.exceptions] == [
        (2, None),
        (2, "unit_code"),
        (2, "period"),
        (3, "15.3"),
    ]
    assert "expected an object mapping column names to values, got str" in problems(excinfo)[0]


# ---------------------------------------------------------------- records


def test_records_accept_python_values(catalog):
    ureg = registry()
    records = [
        {
            "unit_code": "1",
            "period": 2024,
            "income_per_capita": ureg.Quantity(45_000_001, "VND / person / year"),
            "health_insurance_coverage": (850, 1000),
            "stunting_under5": Decimal("12.5"),
            "green_land_per_person": 0.1,
            "disaster_prevention_score": Fraction(1, 3),
            "commune_plan_approved": True,
            "1.2": "không đạt",
            "region": "BTB",
        },
        {"unit_code": 2, "period": "2024", "income_per_capita": "45,5"},
    ]
    observations = observations_from_records(records, catalog=catalog)
    assert observations.codes == ("1", "2")
    assert observations.source is None
    assert observations.value("income_per_capita", 0) == Fraction(45_000_001, 10**6)
    assert observations.value("health_insurance_coverage", 0) == 85
    assert observations.value("stunting_under5", 0) == Fraction(25, 2)
    assert observations.value("green_land_per_person", 0) == Fraction(1, 10)
    assert observations.value("disaster_prevention_score", 0) == Fraction(1, 3)
    assert observations.value("commune_plan_approved", 0) is True
    assert observations.value("plan_management_rules_issued", 0) is False
    assert observations.value("income_per_capita", 1) == Fraction(91, 2)
    assert observations.attributes["region"] == ("BTB", None)


def test_records_errors_count_records_from_one(catalog):
    """A float NaN is a blank (pandas writes one for an empty cell), not an error (issue 11)."""
    records = [
        {"unit_code": "1", "period": 2024, "15.1": 50},
        {"unit_code": "2", "period": 2024, "15.1": (11, 10), "1.1": 2, "10": True},
        {"unit_code": "3", "period": 2024, "15.1": float("nan"), "10": object()},
        {"unit_code": 4.5, "period": 2024.5, "name": 1.5},
    ]
    with pytest.raises(ExceptionGroup) as excinfo:
        observations_from_records(records, catalog=catalog, source="survey")
    assert str(excinfo.value).startswith("survey: 7 problems in the observations")
    assert [(e.row, e.column) for e in excinfo.value.exceptions] == [
        (2, "15.1"),
        (2, "1.1"),
        (2, "10"),
        (3, "10"),
        (4, "unit_code"),
        (4, "period"),
        (4, "name"),
    ]
    assert problems(excinfo)[0].startswith("survey, row 2, column '15.1': expected counts")


def test_records_key_errors(catalog):
    with pytest.raises(ExceptionGroup) as excinfo:
        observations_from_records(
            [{"unit_code": "1", "period": 2024, 3: "x", "stunting": 1}], catalog=catalog
        )
    assert problems(excinfo) == [
        "column 'stunting': unknown indicator 'stunting' (did you mean 'stunting_under5'?)",
        "row 1: column names must be text, got 3",
    ]


def test_no_records_is_a_data_error(catalog):
    with pytest.raises(DataError, match="no observations"):
        observations_from_records([], catalog=catalog)


def test_records_and_files_agree(tmp_path, catalog):
    rows = list(csv.reader(WIDE.splitlines()))
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    from_file = read_observations(write(tmp_path, "w.csv", WIDE), catalog=catalog)
    assert content(observations_from_records(records, catalog=catalog)) == content(from_file)


# ---------------------------------------------------------------- units file


UNITS = (
    "code,name,level,region,district_code,province_code,lat\n"
    "18073,Phường Nam Hà,ward,BTB,436,42,18.3\n"
    "18074,Xã Thạch Hạ,commune,BTB,436,42,18.4\n"
    "436,Thành phố Hà Tĩnh,city,,436,42,\n"
    ",Huyện đảo,district,,,,\n"
)


def test_read_units(tmp_path):
    units = read_units(write(tmp_path, "units.csv", UNITS))
    assert units == {
        "18073": {"name": "Phường Nam Hà", "level": "ward", "region": "BTB", "parent_code": "436"},
        "18074": {"name": "Xã Thạch Hạ", "level": "commune", "region": "BTB", "parent_code": "436"},
        "436": {"name": "Thành phố Hà Tĩnh", "level": "city", "parent_code": "42"},
    }


def test_read_units_reports_codes_listed_twice(tmp_path):
    path = write(tmp_path, "units.csv", "unit_code,name\n1,A\n2,B\n1,C\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_units(path)
    assert problems(excinfo) == [
        f"{path}, row 4, column 'unit_code': unit '1' is listed twice: rows 2 and 4"
    ]


def test_read_units_needs_a_code_column(tmp_path):
    with pytest.raises(DataError, match="needs a 'code'"):
        read_units(write(tmp_path, "units.csv", "name\nA\n"))


def test_units_file_fills_attributes_and_the_data_win(tmp_path, catalog):
    units = write(tmp_path, "units.csv", UNITS)
    data = write(
        tmp_path,
        "w.csv",
        "unit_code,period,region,15.3\n18073,2024,TDMNPB,10\n18074,2024,,11\n99999,2024,,12\n",
    )
    observations = read_observations(data, catalog=catalog, units=units)
    assert observations.attributes["region"] == ("TDMNPB", "BTB", None)
    assert observations.attributes["name"] == ("Phường Nam Hà", "Xã Thạch Hạ", None)
    assert observations.attributes["parent_code"] == ("436", "436", None)
    again = read_observations(data, catalog=catalog, units=read_units(units))
    assert content(again) == content(observations)


def test_the_shared_national_units_file_reads(catalog):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "vn" / "units-2025-01.csv"
    if not path.exists():
        pytest.skip("shared data not available")
    units = read_units(path)
    assert len(units) == 10_035
    assert units["18073"] == {"name": "Phường Nam Hà", "level": "ward", "parent_code": "436"}


# ---------------------------------------------------------------- Excel


def test_xlsx_first_sheet(tmp_path, catalog):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit_code", "period", "income_per_capita [đồng/người/năm]", "15.3", "1.1"])
    sheet.append(["18073", 2024, 45000001, 12.5, "Đạt"])
    sheet.append([None, None, None, None, None])
    sheet.append(["18074", 2024, None, "85%", True])
    book.create_sheet("other").append(["ignored"])
    path = tmp_path / "w.xlsx"
    book.save(path)
    observations = read_observations(path, catalog=catalog)
    assert observations.codes == ("18073", "18074")
    assert observations.value("income_per_capita", 0) == Fraction(45000001, 10**6)
    assert observations.value("stunting_under5", 0) == Fraction(25, 2)
    assert observations.value("stunting_under5", 1) == 85
    assert observations.value("commune_plan_approved", 1) is True


def test_xlsx_rows_are_sheet_rows_and_numeric_headers_are_refused(tmp_path, catalog):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit_code", "period", 17.1, "15.3"])
    sheet.append(["1", 2024, 5, 12])
    sheet.append([None, None, None, None])
    sheet.append(["2", 2024, 5, 120])
    path = tmp_path / "w.xlsx"
    book.save(path)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert [(e.row, e.column) for e in excinfo.value.exceptions] == [(1, "#3"), (4, "15.3")]
    assert "format the header cells as text" in problems(excinfo)[0]


def test_xlsx_without_openpyxl_says_which_extra_to_install(tmp_path, catalog, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    path = tmp_path / "w.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(DataError, match=r"pip install 'ntm-core\[excel\]'"):
        read_observations(path, catalog=catalog)


def test_a_broken_xlsx_is_a_data_error(tmp_path, catalog):
    pytest.importorskip("openpyxl")
    path = tmp_path / "w.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not a readable Excel file"):
        read_observations(path, catalog=catalog)


# ---------------------------------------------------------------- properties


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


# ---------------------------------------------------------------- edges


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


def test_short_rows_are_padded_and_empty_extra_cells_ignored(tmp_path, catalog):
    text = "unit_code,period,15.3,15.1\n1,2024,12\n2,2024,13,14,,\n"
    observations = read_observations(write(tmp_path, "w.csv", text), catalog=catalog)
    assert observations.value("health_insurance_coverage", 0) is None
    assert observations.value("health_insurance_coverage", 1) == 14


def test_an_unreadable_csv_is_a_data_error(tmp_path, catalog):
    path = write(tmp_path, "w.csv", f'unit_code,period,name\n1,2024,"{"a" * 200_000}"\n')
    with pytest.raises(DataError, match="not a readable CSV file"):
        read_observations(path, catalog=catalog)


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


def test_duplicate_id_and_attribute_columns(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,code,period,name,Name\n1,1,2024,A,B\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        (
            f"{path}, row 1, column 'code': column 'code' repeats column 'unit_code' "
            "(both mean 'unit_code')"
        ),
        f"{path}, row 1, column 'Name': column 'Name' repeats column 'name'",
    ]


def test_long_layout_edges(tmp_path, catalog):
    huge = str(2**70)
    text = (
        "unit_code,period,indicator,value,unit,unit,\n"
        f"1,2024,income_per_capita [đồng/người/năm],{huge},,,\n"
        '1,2024,15.3,"12,5",,,\n'
        '2,2024,green_land_per_person,"4,5 m²/người",,,\n'
    )
    path = write(tmp_path, "long.csv", text)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        f"{path}, row 1, column 'unit': column 'unit' repeats column 'unit'"
    ]
    observations = read_observations(
        write(tmp_path, "long.csv", text.replace(",unit,\n", ",\n", 1)), catalog=catalog
    )
    assert observations.value("income_per_capita", 0) == Fraction(2**70, 10**6)
    assert observations.value("stunting_under5", 0) == Fraction(25, 2)
    assert observations.value("green_land_per_person", 1) == Fraction(9, 2)
    assert observations.value("income_per_capita", 1) is None


def test_records_with_odd_python_values(catalog):
    from ntm_core import Region

    ureg = registry()
    records = [
        {"unit_code": "1", "period": 2024, "region": Region.BTB, "15.1": {"x": 1}, "1.1": {}},
        {"unit_code": "2", "period": 2024, "15.1": (1.5, 2), "10": Decimal("NaN")},
        {"unit_code": "3", "period": 2024, "10": ureg.Quantity(float("inf"), "million_VND")},
        {"unit_code": "4", "period": 2024, "1.1": None, "15.1": None},
    ]
    with pytest.raises(ExceptionGroup) as excinfo:
        observations_from_records(records, catalog=catalog)
    assert [(e.row, e.column) for e in excinfo.value.exceptions] == [
        (1, "15.1"),
        (1, "1.1"),
        (2, "15.1"),
        (2, "10"),
        (3, "10"),
    ]
    assert "(two whole numbers)" in problems(excinfo)[2]
    assert "(not a finite number)" in problems(excinfo)[4]
    good = observations_from_records([records[0] | {"15.1": 5, "1.1": 1}], catalog=catalog)
    assert good.attributes["region"] == (Region.BTB.value,)
    assert good.value("commune_plan_approved", 0) is True


def test_read_units_from_json_reports_bad_cells(tmp_path):
    path = write(tmp_path, "units.json", json.dumps([{"code": "1", "name": "A"}, {"code": 1.5}]))
    with pytest.raises(ExceptionGroup) as excinfo:
        read_units(path)
    assert problems(excinfo) == [f"{path}, row 2, column 'code': expected text, got Decimal('1.5')"]


def test_xlsx_without_header_or_rows(tmp_path, catalog):
    openpyxl = pytest.importorskip("openpyxl")
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(DataError, match="empty file"):
        read_observations(empty, catalog=catalog)
    book = openpyxl.Workbook()
    book.active.append(["unit_code", "period", "15.3"])
    header_only = tmp_path / "header.xlsx"
    book.save(header_only)
    with pytest.raises(DataError, match="no data rows"):
        read_observations(header_only, catalog=catalog)


def test_thousands_commas_alone_read_as_decimal_commas_and_say_so(tmp_path, catalog):
    """With no '.' anywhere, '45,000,001' votes for decimal commas; the message says how to fix it."""
    rows = [["unit_code", "period", "10 [đồng/người/năm]"], ["1", "2024", "45,000,001"]]
    path = write_rows(tmp_path, "w.tsv", rows, delimiter="\t")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert "pass decimal_comma=False if ',' groups thousands" in str(only_problem(excinfo))
    observations = read_observations(path, catalog=catalog, decimal_comma=False)
    assert observations.value("income_per_capita", 0) == Fraction(45000001, 10**6)
