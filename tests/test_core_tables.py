"""The one table reader: CSV, JSON and Excel into a header and numbered rows."""

import csv
import errno
import io
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_core._core.tables import (
    check_suffix,
    csv_text,
    decode,
    load_json,
    read_table,
    write_bytes,
    write_text,
)
from ntm_core.admin import load_units_csv
from ntm_core.exceptions import DataError, InputErrors, OutputError


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


# ---------------------------------------------------------------- the one file writer


def _leftovers(folder, keep):
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_write_text_writes_a_new_file_and_refuses_an_existing_one(tmp_path):
    """Issue 14.3: ``-o FILE`` overwrote an existing file without a word."""
    target = tmp_path / "out.csv"
    assert write_text(target, "a\n1\n") == target
    assert target.read_text(encoding="utf-8") == "a\n1\n"
    with pytest.raises(OutputError, match=r"the file exists; pass --force \(force=True\)") as info:
        write_text(target, "b\n2\n")
    assert str(target) in str(info.value)
    assert isinstance(info.value, OSError)
    assert target.read_text(encoding="utf-8") == "a\n1\n"
    write_text(target, "b\n2\n", force=True)
    assert target.read_text(encoding="utf-8") == "b\n2\n"
    assert _leftovers(tmp_path, {"out.csv"}) == []


def test_a_users_own_tmp_file_beside_the_target_is_never_touched(tmp_path):
    own = tmp_path / "out.csv.tmp"
    own.write_text("mine", encoding="utf-8")
    write_bytes(tmp_path / "out.csv", b"x")
    write_bytes(tmp_path / "out.csv", b"y", force=True)
    assert own.read_text(encoding="utf-8") == "mine"
    assert _leftovers(tmp_path, {"out.csv", "out.csv.tmp"}) == []


def test_a_directory_is_an_error_and_leaves_nothing_behind(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    for force in (False, True):
        with pytest.raises(OutputError, match="is a directory"):
            write_text(folder, "x", force=force)
    assert list(folder.iterdir()) == []
    assert _leftovers(tmp_path, {"results"}) == []
    with pytest.raises(OutputError, match="does not exist"):
        write_text(tmp_path / "missing" / "x.csv", "x")


def test_a_symbolic_link_is_refused_and_with_force_its_target_is_written(tmp_path):
    """Decision: with force the file the link points to is replaced and the link kept."""
    real = tmp_path / "shared.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with pytest.raises(OutputError, match="is a symbolic link"):
        write_text(link, "new")
    assert real.read_text(encoding="utf-8") == "old"
    write_text(link, "new", force=True)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(OutputError, match="is a symbolic link"):
        write_text(dangling, "x")
    write_text(dangling, "x", force=True)
    assert (tmp_path / "nowhere.csv").read_text(encoding="utf-8") == "x"
    assert _leftovers(tmp_path, {"shared.csv", "link.csv", "dangling.csv", "nowhere.csv"}) == []


@pytest.mark.parametrize("force", [False, True])
def test_a_failure_mid_write_removes_the_temporary_file(tmp_path, monkeypatch, force):
    """A full disk left a partial temporary file; now nothing is left and the old file stays."""
    target = tmp_path / "out.csv"
    if force:
        target.write_text("old", encoding="utf-8")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_text(target, "new", force=force)
    assert _leftovers(tmp_path, {"out.csv"}) == []
    assert target.exists() is force
    if force:
        assert target.read_text(encoding="utf-8") == "old"


def test_a_failure_at_the_final_rename_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")

    def refuse(self, other):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(OutputError, match="Permission denied"):
        write_text(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path, {"out.csv"}) == []


def test_an_interrupt_mid_write_removes_the_temporary_file_and_propagates(tmp_path, monkeypatch):
    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_bytes(tmp_path / "out.csv", b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_file_appearing_during_the_write_is_not_replaced(tmp_path, monkeypatch):
    """Without force the file is put in place by a hard link, which fails if a file appeared."""
    target = tmp_path / "out.csv"
    real_fsync = os.fsync

    def someone_else_writes(fd):
        real_fsync(fd)
        target.write_text("theirs", encoding="utf-8")

    monkeypatch.setattr(os, "fsync", someone_else_writes)
    with pytest.raises(OutputError, match="the file exists"):
        write_text(target, "ours")
    assert target.read_text(encoding="utf-8") == "theirs"
    assert _leftovers(tmp_path, {"out.csv"}) == []


def test_without_hard_links_the_file_is_renamed_into_place(tmp_path, monkeypatch):
    def unsupported(self, other):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(Path, "hardlink_to", unsupported)
    write_text(tmp_path / "out.csv", "x")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "x"
    assert _leftovers(tmp_path, {"out.csv"}) == []


def test_a_folder_without_write_permission(tmp_path, monkeypatch):
    def refuse(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="cannot write here: Permission denied"):
        write_text(tmp_path / "out.csv", "x")


def test_permissions_follow_the_umask_or_the_replaced_file(tmp_path):
    new = tmp_path / "new.csv"
    write_text(new, "x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~mask
    new.chmod(0o640)
    write_text(new, "y", force=True)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640


def test_dash_means_standard_output(capsys, tmp_path, monkeypatch):
    """Issue 14.3: ``-o -`` created a file named ``-``."""
    monkeypatch.chdir(tmp_path)
    assert write_text("-", "hello\n") is None
    assert capsys.readouterr().out == "hello\n"
    assert list(tmp_path.iterdir()) == []


def test_dash_writes_bytes_to_standard_output(capfdbinary, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert write_bytes("-", b"PK\x03\x04") is None
    assert capfdbinary.readouterr().out == b"PK\x03\x04"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "fmt", "ok"),
    [
        ("x.csv", "csv", True),
        ("x.CSV", "csv", True),
        ("x", "csv", True),
        ("x.out", "csv", True),
        ("-", "xlsx", True),
        ("x.json", "csv", False),
        ("x.xlsx", "csv", False),
        ("x.csv", "json", False),
        ("x.html", "md", False),
        ("x.md", "md", True),
        ("x.txt", "table", True),
    ],
)
def test_a_suffix_that_contradicts_the_format_is_an_error(name, fmt, ok):
    """Issue 14.3: ``-o x.json`` wrote CSV into it."""
    if ok:
        check_suffix(name, fmt)
    else:
        with pytest.raises(OutputError, match=f"is for .* files, but the output is {fmt}"):
            check_suffix(name, fmt)


def test_check_suffix_knows_its_formats():
    with pytest.raises(ValueError, match="unknown output format 'pdf'"):
        check_suffix("x.pdf", "pdf")


# ---------------------------------------------------------------- formula injection


def test_csv_text_neutralises_formulas_and_the_reader_restores_them(tmp_path):
    """Issue 14.4: a unit name like ``=HYPERLINK(...)`` was written raw into CSV."""
    hostile = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=kept", "ok"]
    text = csv_text(["name", "n"], [[cell, 1] for cell in hostile])
    lines = list(csv.reader(io.StringIO(text, newline="")))
    for (written, _), cell in zip(lines[1:], hostile, strict=True):
        assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert written == (cell if cell == "ok" else "'" + cell)
    path = tmp_path / "x.csv"
    write_text(path, text)
    table = read_table(path, str(path))
    assert list(table.columns[0]) == hostile  # the reader restores every cell exactly


@given(st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=8), min_size=1))
def test_csv_text_round_trips_any_text_through_the_reader(tmp_path_factory, cells):
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    write_text(path, csv_text(["key", "text"], [[i, c] for i, c in enumerate(cells)]))
    table = read_table(path, str(path))
    assert list(table.columns[1]) == cells


def test_truncated_rows_in_every_csv_reader_name_file_and_row(tmp_path):
    """Issue 14.6, through the one table reader: admin unit lists and threshold sheets too."""
    path = tmp_path / "units.csv"
    path.write_text("code,name,level,parent_code\n01,Hà Tĩnh,province,\n02,Nghệ An\n", "utf-8")
    table = read_table(path, str(path))
    missing = "cells are missing at the end (a cut-off line?)"
    assert [str(p) for p in table.problems] == [
        f"{path}, row 3, column 'level': the row has 2 cells but the header has 4 columns: {missing}"
    ]
    with pytest.raises(InputErrors) as info:
        load_units_csv(path, valid_from=__import__("datetime").date(2025, 1, 1))
    assert any(
        "row 3, column 'level': the row has 2 cells" in str(e) for e in info.value.exceptions
    )


def test_trailing_unnamed_columns_may_be_left_out(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,,\n1,2\n3,4,,\n", "utf-8")
    table = read_table(path, str(path))
    assert table.problems == []
    assert list(table.text_rows()) == [
        (2, {"a": "1", "b": "2", "": ""}),
        (3, {"a": "3", "b": "4", "": ""}),
    ]


def _readers():
    import datetime as dt

    from io_support import bundled_catalog
    from ntm_core.admin import load_lineage_csv
    from ntm_core.io import read_observations, read_units
    from ntm_core.ocop import read_products
    from ntm_core.rules import Rulebook

    catalog = bundled_catalog()
    return {
        "load_units_csv": lambda p: load_units_csv(p, valid_from=dt.date(2025, 1, 1)),
        "load_lineage_csv": load_lineage_csv,
        "read_observations": lambda p: read_observations(p, catalog=catalog),
        "read_units": read_units,
        "read_products": read_products,
        "with_thresholds": Rulebook.bundled().with_thresholds,
    }


@pytest.mark.parametrize("name", ["missing.csv", "missing.xlsx", "missing.json", "folder.csv"])
def test_every_reader_raises_data_error_for_a_missing_file_or_a_folder(tmp_path, name):
    """Issue 14.7: load_units_csv raised FileNotFoundError where read_observations said DataError."""
    (tmp_path / "folder.csv").mkdir()
    path = tmp_path / name
    for reader_name, read in _readers().items():
        if reader_name == "read_products" and name.endswith(".xlsx"):
            continue  # products are CSV or JSON: the suffix is refused first
        with pytest.raises(DataError) as info:
            read(path)
        assert str(path) in str(info.value), reader_name


def test_formula_cells_read_as_values_or_as_their_formula(tmp_path):
    """Issue 9: the threshold sheet refuses formulas, so it reads them as formulas."""
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.active.append([1, "=A2+1"])
    book.save(path)
    assert list(read_table(path, "f.xlsx").columns[1]) == [None]  # no Excel computed it
    assert list(read_table(path, "f.xlsx", formulas="text").columns[1]) == ["=A2+1"]


def test_comment_lines_above_the_header_count_as_rows(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("# made by hand\n\ncode,name\n1,A\n2\n", encoding="utf-8")
    table = read_table(path, "c.csv", comments=True)
    assert (table.header_row, table.rows) == (3, [4, 5])
    missing = "cells are missing at the end (a cut-off line?)"
    assert [str(p) for p in table.problems] == [
        f"c.csv, row 5, column 'name': the row has 1 cells but the header has 2 columns: {missing}"
    ]
    path.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 2: empty file"):
        read_table(path, "c.csv", comments=True)
