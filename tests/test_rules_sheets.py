"""Threshold sheets: templates to fill, filled sheets loaded as overlays, bad rows named."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from ntm_core import InputError, Provenance, Region
from ntm_core.exceptions import DataError
from ntm_core.rules import SHEET_COLUMNS, Rulebook, write_template

DATA = Path(__file__).parent / "data"
ON = dt.date(2023, 1, 1)


@pytest.fixture
def minimal():
    return Rulebook.from_paths([DATA / "rules" / "minimal.toml"])


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_template_has_known_values_filled_and_unknown_blank(minimal):
    edition = minimal.get("test.commune.standard@2021-2025")
    rows = rows_of(write_template(edition, None, region=Region.BTB))
    assert list(rows[0]) == list(SHEET_COLUMNS)
    income = [r for r in rows if r["indicator"] == "income_per_capita"]
    assert [(r["region"], r["year"], r["value"]) for r in income] == [
        ("", "", "45"),
        ("BTB", "2022", "44.5"),
    ]
    plan = [r for r in rows if r["indicator"] == "craft_conservation_plan"]
    assert [(r["region"], r["value"]) for r in plan] == [("", ""), ("BTB", "")]
    stunting = [r for r in rows if r["indicator"] == "stunting_under5"]
    assert [(r["region"], r["value"]) for r in stunting] == [("BTB", "25"), ("", "")]


def test_template_without_region_has_a_row_per_region(minimal):
    rows = rows_of(write_template(minimal.get("test.commune.standard@2021-2025"), None))
    plan = [r for r in rows if r["indicator"] == "craft_conservation_plan"]
    assert len(plan) == 8


def test_filled_template_loads_as_an_overlay(minimal, tmp_path):
    edition = minimal.get("test.commune.standard@2021-2025")
    path = tmp_path / "sheet.csv"
    write_template(edition, path, region=Region.BTB)
    rows = rows_of(path.read_text(encoding="utf-8"))
    for row in rows:
        if row["indicator"] == "craft_conservation_plan":
            row.update(
                value="Đạt",
                citation_number="318/QĐ-TTg",
                citation_date="2022-03-08",
                provenance="verified",
            )
        if row["indicator"] == "income_per_capita" and row["region"] == "BTB":
            row.update(value="46,5", unit="", provenance="verified")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ExceptionGroup) as info:
        minimal.with_thresholds(path)
    assert "row 3, column 'value'" in str(info.value.exceptions[0]) or "column 'value'" in str(
        info.value.exceptions[0]
    )
    for row in rows:
        if row["value"] == "46,5":
            row["value"] = "46.5"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    book = minimal.with_thresholds(path)
    resolved = book.in_force("test.commune.standard", on=ON, region=Region.BTB, year=2022)
    income = resolved.indicator("income_per_capita").thresholds[0]
    assert str(income.value) == "93/2"
    assert income.provenance is Provenance.VERIFIED
    plan = resolved.indicator("craft_conservation_plan").thresholds[0]
    assert plan.value is True
    assert plan.citation.number == "318/QĐ-TTg"
    assert book.get("test.commune.standard@2021-2025").overlays == (str(path),)
    # the original rulebook is untouched
    assert (
        not minimal.get("test.commune.standard@2021-2025")
        .indicator("craft_conservation_plan")
        .thresholds
    )


def test_sheet_values_in_another_unit_are_converted(minimal, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(
        "ruleset,indicator,region,unit,value,citation_number,provenance\n"
        "test.commune.standard@2021-2025,income_per_capita,ĐBSH,đồng/người/năm,50000000,318/QĐ-TTg,secondary\n",
        encoding="utf-8-sig",
    )
    book = minimal.with_thresholds(path)
    resolved = book.in_force("test.commune.standard", on=ON, region=Region.DBSH)
    assert resolved.indicator("income_per_capita").thresholds[0].value == 50


BAD_ROWS = [
    (
        "test.commune.standard@2021-2025,income_per_capita,,km,45,318/QĐ-TTg,verified",
        "unit",
        "expected a value in million_VND / person / year",
    ),
    (
        "test.commune.standard@2021-2025,income_per_capit,,,45,318/QĐ-TTg,verified",
        "indicator",
        "did you mean 'income_per_capita'?",
    ),
    (
        "test.commune.standard@2021-2025,income_per_capita,,,45,,verified",
        "citation_number",
        "needs the number of the instrument",
    ),
    (
        "test.commune.standard@2021-2025,income_per_capita,,,45,318/QĐ-TTg,sure",
        "provenance",
        "expected one of verified, secondary",
    ),
    (
        "test.commune.standard@1999,income_per_capita,,,45,318/QĐ-TTg,verified",
        "ruleset",
        "has no edition or period '1999'",
    ),
    (
        "test.commune.standard@2021-2025,income_per_capita,Atlantis,,45,318/QĐ-TTg,verified",
        "region",
        "unknown NTM region 'Atlantis'",
    ),
    (
        "test.commune.standard@2021-2025,coop_effective,,,maybe,318/QĐ-TTg,verified",
        "value",
        "threshold is true (Đạt)",
    ),
    (
        "test.commune.standard@2021-2025,stunting_under5,,,150,318/QĐ-TTg,verified",
        "value",
        "a percent between 0 and 100",
    ),
]


@pytest.mark.parametrize(("line", "column", "message"), BAD_ROWS)
def test_bad_rows_name_file_row_and_column(minimal, tmp_path, line, column, message):
    path = tmp_path / "bad.csv"
    path.write_text(
        "ruleset,indicator,region,unit,value,citation_number,provenance\n" + line + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ExceptionGroup) as info:
        minimal.with_thresholds(path)
    err = info.value.exceptions[0]
    text = str(err)
    assert message in text
    if isinstance(err, InputError):
        assert (err.source, err.row, err.column) == (str(path), 2, column)
        assert text.startswith(f"{path}, row 2, column {column!r}: ")


def test_unreadable_sheets(minimal, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="empty"):
        minimal.with_thresholds(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("ruleset,indicator,value\nx,Thu nh\xe2p,1\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        minimal.with_thresholds(latin)
    columns = tmp_path / "columns.csv"
    columns.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column"):
        minimal.with_thresholds(columns)
    with pytest.raises(DataError, match="cannot read"):
        minimal.with_thresholds(tmp_path / "absent.csv")


def test_xlsx_round_trip(minimal, tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "sheet.xlsx"
    edition = minimal.get("test.commune.standard@2021-2025")
    write_template(edition, path, region=Region.BTB)
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        record = dict(zip(header, row, strict=True))
        if record["indicator"].value == "craft_conservation_plan":
            record["value"].value = "Đạt"
            record["citation_number"].value = "318/QĐ-TTg"
            record["provenance"].value = "unverified"
    book.save(path)
    loaded = minimal.with_thresholds(path)
    plan = loaded.in_force("test.commune.standard", on=ON, region=Region.BTB).indicator(
        "craft_conservation_plan"
    )
    assert plan.thresholds[0].provenance is Provenance.UNVERIFIED
