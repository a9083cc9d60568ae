"""The public readers (io._read): files of every format, encodings, JSON, Excel, unit lists."""

import csv
import json
import sys
import unicodedata
from fractions import Fraction

import pytest

from io_support import EXPECTED, LONG, WIDE, bundled_catalog, content, problems, write
from ntm_core.exceptions import DataError
from ntm_core.io import observations_from_records, read_observations, read_units


@pytest.fixture(scope="module")
def catalog():
    return bundled_catalog()


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
    assert problems(excinfo) == [
        f"{path}, row 2, column '(column 4)': the row has 4 cells but the header has 3 columns"
    ]


def test_an_unnamed_column_with_values_is_an_error(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,,stunting_under5\n1,2024,oops,12\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        f"{path}, row 1, column '#3': a column without a name holds values"
    ]


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


def test_records_and_files_agree(tmp_path, catalog):
    rows = list(csv.reader(WIDE.splitlines()))
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    from_file = read_observations(write(tmp_path, "w.csv", WIDE), catalog=catalog)
    assert content(observations_from_records(records, catalog=catalog)) == content(from_file)


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


def test_short_and_long_rows_are_errors_naming_file_and_row(tmp_path, catalog):
    """Issue 14.6: a truncated row was read as missing values (tier unknown, exit 0)."""
    text = "unit_code,period,15.3,15.1\n1,2024,12\n2,2024,13,14,,\n3,2024,13,14\n"
    path = write(tmp_path, "w.csv", text)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    missing = "cells are missing at the end (a cut-off line?)"
    assert problems(excinfo) == [
        f"{path}, row 2, column '15.1': the row has 3 cells but the header has 4 columns: {missing}",
        f"{path}, row 3, column '(column 5)': the row has 6 cells but the header has 4 columns",
    ]


def test_an_unreadable_csv_is_a_data_error(tmp_path, catalog):
    path = write(tmp_path, "w.csv", f'unit_code,period,name\n1,2024,"{"a" * 200_000}"\n')
    with pytest.raises(DataError, match="not a readable CSV file"):
        read_observations(path, catalog=catalog)


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
