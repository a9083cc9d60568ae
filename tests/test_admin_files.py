"""Reading administrative units and lineage links from CSV files."""

import datetime as dt
from pathlib import Path

import pytest

from admin_trees import (
    COMMUNE_LEVEL,
    JAN_2025,
    REFORM,
    START,
    link,
)
from ntm_core import DataError
from ntm_core.admin import (
    AdminLevel,
    AdminTree,
    load_lineage_csv,
    load_units_csv,
)

DATA = Path(__file__).parent / "data" / "admin"


def test_nested_file_with_districts_makes_provinces_districts_and_communes():
    units = load_units_csv(DATA / "nested-districts.csv", valid_from=JAN_2025, valid_to=REFORM)
    by_code = {u.code: u for u in units}
    assert [u.code for u in units[:3]] == ["01", "31", "42"]
    assert by_code["01"].level is AdminLevel.PROVINCE
    assert by_code["01"].name == "Thành phố Hà Nội"
    assert by_code["001"].level is AdminLevel.URBAN_DISTRICT
    assert by_code["436"].level is AdminLevel.CITY
    assert by_code["439"].level is AdminLevel.DISTRICT
    # the island district is kept; its empty commune row makes no unit
    assert by_code["318"].name == "Huyện Bạch Long Vĩ"
    assert "" not in by_code
    assert by_code["18073"].parent_code == "436"
    assert dict(by_code["18073"].attributes) == {"lat": "18.33395", "lon": "105.90541"}
    assert dict(by_code["18133"].attributes) == {}
    assert all(u.valid_from == JAN_2025 and u.valid_to == REFORM for u in units)
    tree = AdminTree.from_units(units)
    snap = tree.as_of(dt.date(2025, 3, 1))
    assert snap.children("318") == ()
    assert [u.code for u in snap.descendants("42", level=COMMUNE_LEVEL)] == ["18073", "18133"]


def test_nested_file_without_districts_puts_units_under_the_province():
    units = load_units_csv(DATA / "nested-provinces.csv", valid_from=REFORM)
    assert [(u.code, u.parent_code) for u in units] == [
        ("42", None), ("18073", "42"), ("18100", "42"),
    ]  # fmt: skip
    assert units[1].attributes["area_km2"] == "28.23"


def test_flat_file_keeps_its_own_dates():
    units = load_units_csv(DATA / "flat.csv", valid_from=JAN_2025, valid_to=REFORM)
    assert [u.valid_from for u in units] == [START, None, START]
    # the file has no valid_to column: the keyword applies
    assert {u.valid_to for u in units} == {REFORM}
    assert units[0].attributes["region"] == "BTB"
    assert "region" not in units[2].attributes


def test_bad_rows_are_all_reported_with_their_row_numbers():
    with pytest.raises(ExceptionGroup) as info:
        load_units_csv(DATA / "bad-rows.csv")
    messages = [str(e) for e in info.value.exceptions]
    assert messages == [
        f"{DATA / 'bad-rows.csv'}, row 3, column 'code': an administrative unit needs a code",
        (
            f"{DATA / 'bad-rows.csv'}, row 4: unknown administrative level 'village hall'; "
            "expected one of province, city, town, district, urban_district, commune, ward, "
            "township, special_zone, residential_area"
        ),
    ]


def test_bad_commune_rows_of_a_nested_file_are_reported():
    with pytest.raises(ExceptionGroup) as info:
        load_units_csv(DATA / "nested-bad.csv")
    (error,) = info.value.exceptions
    assert (error.row, error.source) == (2, str(DATA / "nested-bad.csv"))
    assert "unknown administrative level 'borough'" in str(error)


def test_a_parent_spelt_two_ways_is_an_error():
    with pytest.raises(ExceptionGroup) as info:
        load_units_csv(DATA / "conflicting-parent.csv")
    (error,) = info.value.exceptions
    assert error.row == 3
    assert "unit '42' is 'Tỉnh Hà Tinh' (province) here but 'Tỉnh Hà Tĩnh'" in str(error)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "empty file: no header row"),
        ("missing-name.csv", "missing columns 'name'"),
        ("latin1.csv", "not UTF-8"),
        ("missing-level.csv", "missing columns 'level'"),
    ],
)
def test_unreadable_files_raise_data_error(name, message):
    with pytest.raises(DataError, match=message) as info:
        load_units_csv(DATA / name)
    assert info.value.source == str(DATA / name)


def test_lineage_csv_takes_its_date_from_the_keyword():
    links = load_lineage_csv(DATA / "lineage.csv", on=REFORM)
    assert links == (
        link("11", "11"),
        link("12", "11"),
        link("13", "11", "part", default=True),
        link("13", "21", "part", default=False),
    )
    with pytest.raises(DataError, match="missing columns 'on'"):
        load_lineage_csv(DATA / "lineage.csv")


def test_bad_lineage_rows_are_all_reported():
    with pytest.raises(ExceptionGroup) as info:
        load_lineage_csv(DATA / "bad-lineage.csv")
    messages = [str(e).split(": ", 1)[1] for e in info.value.exceptions]
    assert messages == [
        "unknown share 'all'; expected one of whole, part",
        "default: a 'part' link needs default yes or no",
        "default: expected yes or no, got 'maybe'",
        "on: the date of the reform is missing (no 'on' value and no on= given)",
    ]
    with pytest.raises(DataError, match="missing columns 'old_code'"):
        load_lineage_csv(DATA / "flat.csv", on=REFORM)


@pytest.mark.parametrize("sep", ["\n", "\u2028"])  # U+2028 is a line break to str.splitlines only
def test_a_quoted_line_break_inside_a_name_is_kept(tmp_path, sep):
    """RFC 4180: a quoted cell may hold a line break, and the name keeps it."""
    path = tmp_path / "units.csv"
    text = (
        "code,name,level,parent_code\r\n"
        "42,Tỉnh Hà Tĩnh,province,\r\n"
        f'18073,"Phường Nam Hà{sep}(khối 1)",ward,42\r\n'
        '18077,"Phường ""Bắc"" Hà",ward,42\r\n'
    )
    path.write_bytes(text.encode("utf-8"))
    units = load_units_csv(path)
    assert [u.code for u in units] == ["42", "18073", "18077"]
    assert units[1].name == f"Phường Nam Hà{sep}(khối 1)"
    assert units[2].name == 'Phường "Bắc" Hà'
