"""The one table reader: CSV, JSON and Excel into a header and numbered rows."""

import pytest

from ntm_core._core.tables import decode, load_json, read_table
from ntm_core.admin import load_units_csv
from ntm_core.exceptions import DataError


def test_quoted_newlines_keep_rows_and_row_numbers(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text('code,name,note\n1,"A\nB",x\n\n2,C,y\n', encoding="utf-8")
    table = read_table(path, str(path))
    assert table.header == ["code", "name", "note"]
    assert list(table.text_rows()) == [
        (2, {"code": "1", "name": "A\nB", "note": "x"}),
        (4, {"code": "2", "name": "C", "note": "y"}),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_found_from_the_header(tmp_path, delimiter):
    path = tmp_path / "t.csv"
    path.write_text(
        delimiter.join(["a", "b"]) + "\n" + delimiter.join(["1", "2,5"]) + "\n", encoding="utf-8"
    )
    table = read_table(path, "t.csv")
    assert table.header == ["a", "b"]
    if delimiter != ",":
        assert [list(c) for c in table.columns] == [["1"], ["2,5"]]


def test_decode_names_the_row_of_a_bad_byte():
    with pytest.raises(DataError, match=r"not UTF-8 \(byte 0xe9 in row 2\)") as info:
        decode("a\n\xe9\n".encode("latin-1"), "x.csv")
    assert info.value.row == 2


def test_load_json_is_exact_and_refuses_nan():
    assert str(load_json('{"a": 0.1}', "x.json")) == "{'a': Decimal('0.1')}"
    with pytest.raises(DataError, match="NaN is not a number"):
        load_json('{"a": NaN}', "x.json")


def test_unsupported_suffix_and_json_shapes(tmp_path):
    with pytest.raises(DataError, match="unsupported file type"):
        read_table(tmp_path / "x.pdf", "x.pdf")
    path = tmp_path / "x.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(DataError, match="expected a list of objects"):
        read_table(path, "x.json")


def test_admin_units_file_with_a_quoted_newline_reads(tmp_path):
    """The admin reader used to split lines itself and broke quoted newlines."""
    path = tmp_path / "units.csv"
    path.write_text(
        'code,name,level,parent_code\n01,"Hà Nội\n(thủ đô)",province,\n00001,Phúc Xá,ward,01\n',
        encoding="utf-8",
    )
    units = load_units_csv(path, valid_from=__import__("datetime").date(2025, 1, 1))
    assert [u.code for u in units] == ["01", "00001"]
    assert units[0].name == "Hà Nội\n(thủ đô)"
