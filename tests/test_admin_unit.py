"""Administrative units: parsing rows, normalising names and codes, validity, immutability."""

import datetime as dt
import pickle
import unicodedata

import attrs
import pytest
from hypothesis import given

from admin_trees import (
    REFORM,
)
from ntm_core.admin import (
    AdminLevel,
    AdminUnit,
    LineageLink,
    UnknownUnitError,
)
from strategies import admin_units


def test_from_mapping_reads_a_row_of_the_2020_table():
    row = {
        "code": "18070",
        "name": "Phường Trần Phú",
        "type": "phường",
        "level": "ward",
        "parent_code": "436",
    }
    unit = AdminUnit.from_mapping(row)
    assert unit.code == "18070"
    assert unit.level is AdminLevel.WARD
    assert unit.parent_code == "436"
    assert unit.valid_from is None
    assert unit.valid_to is None


def test_from_mapping_reads_a_row_of_the_2025_table_and_keeps_extras():
    row = {
        "code": "18073", "name": "Phường Nam Hà", "type": "Phường", "level": "ward",
        "district_code": "436", "province_code": "42", "lat": "18.33395", "lon": "",
        "valid_from": "2025-01-01",
    }  # fmt: skip
    unit = AdminUnit.from_mapping(row)
    assert unit.parent_code == "436"
    assert unit.valid_from == dt.date(2025, 1, 1)
    assert dict(unit.attributes) == {"lat": "18.33395"}


def test_leading_zeros_of_codes_are_kept():
    unit = AdminUnit.from_mapping({"code": "00001", "name": "Phường Phúc Xá", "level": "ward"})
    assert unit.code == "00001"


def test_names_are_nfc_normalised():
    nfd = unicodedata.normalize("NFD", "Xã Kỳ Lạc")
    unit = AdminUnit(code="18550", name=nfd, level=AdminLevel.COMMUNE)
    assert unit.name == "Xã Kỳ Lạc"
    assert unicodedata.is_normalized("NFC", unit.name)


def test_vietnamese_level_from_type_column():
    unit = AdminUnit.from_mapping({"code": "18", "name": "Huyện Vũ Quang", "type": "Huyện"})
    assert unit.level is AdminLevel.DISTRICT


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"code": "1", "name": "x"}, "missing 'level'"),
        ({"code": "", "name": "x", "level": "commune"}, "needs a code"),
        ({"code": "1", "name": " ", "level": "commune"}, "needs a name"),
        (
            {"code": "1", "name": "x", "level": "village hall"},
            "unknown administrative level 'village hall'",
        ),
        (
            {"code": "1", "name": "x", "level": "commune", "valid_from": "2025-13-01"},
            "valid_from: expected an ISO date",
        ),
        (
            {
                "code": "1",
                "name": "x",
                "level": "commune",
                "valid_from": "2025-07-01",
                "valid_to": "2025-01-01",
            },
            "valid_to 2025-01-01 must be after valid_from 2025-07-01",
        ),
    ],
)
def test_bad_rows_are_rejected_with_a_clear_message(row, message):
    with pytest.raises(ValueError, match=message):
        AdminUnit.from_mapping(row)


def test_validity_is_half_open():
    unit = AdminUnit(
        code="18472", name="Xã Trung Lộc", level=AdminLevel.COMMUNE,
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 1, 1),
    )  # fmt: skip
    assert not unit.exists_on(dt.date(2019, 12, 31))
    assert unit.exists_on(dt.date(2020, 1, 1))
    assert unit.exists_on(dt.date(2024, 12, 31))
    assert not unit.exists_on(dt.date(2025, 1, 1))


def test_units_are_immutable_and_attributes_read_only():
    unit = AdminUnit(code="1", name="x", level=AdminLevel.COMMUNE, attributes={"region": "BTB"})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        unit.code = "2"  # type: ignore[misc]
    with pytest.raises(TypeError):
        unit.attributes["region"] = "TN"  # type: ignore[index]
    assert attrs.evolve(unit, code="2").code == "2"


@given(admin_units())
def test_generated_units_exist_on_their_first_day_and_are_hashable(unit):
    hash(unit)
    if unit.valid_from is not None:
        assert unit.exists_on(unit.valid_from)
    if unit.valid_to is not None:
        assert not unit.exists_on(unit.valid_to)


def test_unit_dates_may_be_datetimes():
    row = {
        "code": "1",
        "name": "Xã A",
        "level": "commune",
        "valid_from": dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
    }
    assert AdminUnit.from_mapping(row).valid_from == REFORM
    assert (
        LineageLink(old_code="1", new_code="2", on=dt.datetime(2025, 7, 1, tzinfo=dt.UTC)).on
        == REFORM
    )


def test_unknown_unit_error_pickles():
    err = UnknownUnitError("no unit 'x' on 2025-01-01", column="code", value="x")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is UnknownUnitError
    assert str(again) == str(err) == "column 'code': no unit 'x' on 2025-01-01"
