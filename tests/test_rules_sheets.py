"""Threshold sheets: templates to fill, filled sheets loaded as overlays, bad rows named."""

import csv
import datetime as dt
import io
from pathlib import Path

import attrs
import pytest

from ntm_core import InputError, Provenance, Region
from ntm_core.exceptions import DataError, OutputError
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
        "ruleset,indicator,region,unit,value,citation_number,provenance,override\n"
        "test.commune.standard@2021-2025,income_per_capita,ĐBSH,đồng/người/năm,50000000,318/QĐ-TTg,secondary,yes\n",
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
    (
        "test.commune.standard@2021-2025,income_per_capita,ĐBSH,,-5,318/QĐ-TTg,verified",
        "value",
        "a threshold is not negative",
    ),
    (
        (
            "test.commune.standard@2021-2025,income_per_capita,ĐBSH,"
            'million VND/person/year,"46,5",318/QĐ-TTg,verified'
        ),
        "value",
        "the decimal separator is a point",
    ),
    (
        "test.commune.standard@2021-2025,income_per_capita,ĐBSH,,1e999999999,318/QĐ-TTg,verified",
        "value",
        "expected a plain decimal number",
    ),
    (
        "test.commune.standard@2021-2025,income_per_capita,ĐBSH,,=40+6,318/QĐ-TTg,verified",
        "value",
        "a formula",
    ),
    (
        "test.commune.standard@2021-2025,income_per_capita,ĐBSH,,46,318/QĐ-TTg",
        "provenance",
        "the row has 6 cells but the header has 7 columns: cells are missing",
    ),
    (
        "test.commune.standard@2021-2025,income_per_capita,ĐBSH,,46,318/QĐ-TTg,verified,extra",
        "(column 8)",
        "the row has 8 cells but the header has 7 columns",
    ),
    (
        "test.commune.standard,income_per_capita,ĐBSH,,46,318/QĐ-TTg,verified",
        "ruleset",
        "names no edition",
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
    with pytest.raises(ExceptionGroup) as info:
        minimal.with_thresholds(columns)
    assert [type(e) for e in info.value.exceptions] == [InputError, InputError, DataError]
    assert "missing column(s) ruleset, indicator, value" in str(info.value.exceptions[-1])
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


# ---------------------------------------------------------------- issue 14, item 1: no silent edits

HEADER = "ruleset,indicator,comparator,region,year,value,citation_number,provenance,override\n"
EDITION = "test.commune.standard@2021-2025"


def sheet(tmp_path, *lines, name="sheet.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def problems(book, path):
    with pytest.raises(ExceptionGroup) as info:
        book.with_thresholds(path)
    return [(e.row, e.column, e.message) for e in info.value.exceptions]


def test_two_rows_for_the_same_indicator_and_selectors_are_refused(minimal, tmp_path):
    path = sheet(
        tmp_path,
        f"{EDITION},stunting_under5,,ĐBSH,,16.5,318/QĐ-TTg,verified,",
        f"{EDITION},stunting_under5,,ĐBSH,,17,318/QĐ-TTg,verified,",
        f"{EDITION},stunting_under5,,ĐBSH,,16.5,318/QĐ-TTg,verified,",
    )
    found = problems(minimal, path)
    assert [(r, c) for r, c, _ in found] == [(3, "value"), (4, "value")]
    assert found[0][2].startswith("contradicts ('16.5' in) row 2")
    assert found[1][2].startswith("repeats row 2")


def test_an_edited_comparator_is_refused(minimal, tmp_path):
    path = sheet(tmp_path, f"{EDITION},income_per_capita,<=,ĐBSH,,50,318/QĐ-TTg,verified,")
    [(row, column, message)] = problems(minimal, path)
    assert (row, column) == (2, "comparator")
    assert "the rule set says '>='" in message


def test_every_problem_of_a_sheet_is_reported_at_once(minimal, tmp_path):
    path = sheet(
        tmp_path,
        f"{EDITION},income_per_capita,,ĐBSH,,-1,318/QĐ-TTg,verified,",
        f"{EDITION},stunting_under5,,ĐBSH,,150,318/QĐ-TTg,verified,",
        f"{EDITION},income_per_capita,,ĐBSH,20x5,50,318/QĐ-TTg,verified,",
        f"{EDITION},coop_effective,,,,true,318/QĐ-TTg,verified,maybe",
    )
    assert [(r, c) for r, c, _ in problems(minimal, path)] == [
        (2, "value"),
        (3, "value"),
        (4, "year"),
        (5, "override"),
    ]


def test_a_sheet_that_changes_nothing_is_an_error(minimal, tmp_path):
    with pytest.raises(DataError, match="changes nothing: no row has a value"):
        minimal.with_thresholds(sheet(tmp_path, f"{EDITION},income_per_capita,,ĐBSH,,,,,"))
    # the template untouched restates what the rules already say
    template = tmp_path / "template.csv"
    write_template(minimal.get(EDITION), template, region=Region.BTB)
    with pytest.raises(DataError, match="every filled row restates"):
        minimal.with_thresholds(template)


@pytest.mark.parametrize(
    "text",
    ["lorem ipsum dolor sit amet\n", "ruleset;indicator;value\nx;y;1\n", "\x00\x01junk\n"],
)
def test_junk_text_is_not_a_sheet(minimal, tmp_path, text):
    path = tmp_path / "junk.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((ExceptionGroup, DataError)) as info:
        minimal.with_thresholds(path)
    errors = info.value.exceptions if isinstance(info.value, ExceptionGroup) else [info.value]
    assert all(isinstance(e, InputError) and e.source == str(path) for e in errors)


def test_a_sheet_may_not_silently_replace_a_secondary_value(minimal, tmp_path):
    """Issue 13, item 5: a BTB row beside a region-wide secondary value shadows it for BTB."""
    row = f"{EDITION},income_per_capita,,BTB,,60,sample,illustrative,"
    [(r, column, message)] = problems(minimal, sheet(tmp_path, row))
    assert (r, column) == (2, "override")
    assert "would replace the secondary threshold 45 (general level, 0/TEST)" in message
    book = minimal.with_thresholds(sheet(tmp_path, row + "yes", name="explicit.csv"))
    [override] = book.overrides
    assert (override.edition, override.indicator, override.row, override.explicit) == (
        EDITION,
        "income_per_capita",
        2,
        True,
    )
    assert (override.old.value, override.old.provenance) == (45, Provenance.SECONDARY)
    assert (override.new.value, override.new.provenance) == (60, Provenance.ILLUSTRATIVE)
    assert override.new.region is Region.BTB
    assert override.downgrade
    assert override.to_dict()["old"]["value"] == "45"  # exact text, as every JSON writes it
    assert book.get(EDITION).overrides == (override,)
    assert minimal.overrides == ()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        override.row = 3


def test_upgrading_an_unverified_value_is_recorded_without_override(minimal, tmp_path):
    path = sheet(tmp_path, f"{EDITION},income_per_capita,,BTB,2022,44,318/QĐ-TTg,verified,")
    [override] = minimal.with_thresholds(path).overrides
    assert (override.old.provenance, override.new.provenance) == (
        Provenance.UNVERIFIED,
        Provenance.VERIFIED,
    )
    assert not override.downgrade
    assert not override.explicit
    downgrade = sheet(
        tmp_path, f"{EDITION},income_per_capita,,BTB,2022,44,x,illustrative,", name="down.csv"
    )
    [(_, column, _)] = problems(minimal, downgrade)
    assert column == "override"


def test_override_on_a_row_that_replaces_nothing_is_an_error(minimal, tmp_path):
    path = sheet(tmp_path, f"{EDITION},craft_conservation_plan,,BTB,,true,318/QĐ-TTg,verified,yes")
    [(_, column, message)] = problems(minimal, path)
    assert column == "override"
    assert "replaces no threshold" in message


def test_template_has_no_blank_region_row_beside_a_known_region_wide_value(minimal):
    rows = rows_of(write_template(minimal.get(EDITION), None, region=Region.BTB))
    coop = [(r["region"], r["value"]) for r in rows if r["indicator"] == "coop_effective"]
    # coop_effective's region-wide value is unverified: a BTB row may replace it
    assert coop == [("", "true"), ("BTB", "")]
    income = [(r["region"], r["year"]) for r in rows if r["indicator"] == "income_per_capita"]
    assert ("BTB", "") not in income


def test_excel_formula_cells_are_refused(minimal, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "sheet.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append([EDITION, "income_per_capita", "", "ĐBSH", "", "=40+10", "318", "verified"])
    book.save(path)
    [(row, column, message)] = problems(minimal, path)
    assert (row, column) == (2, "value")
    assert "formula" in message


def test_the_bundled_sample_sheet_fills_only_unknown_values():
    """Issue 13, item 5: the sample's illustrative values never stand in for a known value."""
    from ntm_core.datasets import HA_TINH_DIR

    book = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
    assert book.overrides == ()
    advanced = book.in_force(
        "vn.commune.standard", on=dt.date(2022, 12, 31), region=Region.BTB, year=2022
    )
    score = advanced.indicator("disaster_prevention_score").thresholds[0]
    assert (score.value, score.provenance) == (50, Provenance.SECONDARY)


def test_a_sheet_can_be_named_apart_from_its_path(minimal, tmp_path):
    """A sheet bundled with a package is named by a label that does not depend on the machine."""
    row = f"{EDITION},income_per_capita,,BTB,,60,sample,illustrative,yes"
    book = minimal.with_thresholds(sheet(tmp_path, row), name="pkg/sheet.csv")
    assert book.get(EDITION).overlays == ("pkg/sheet.csv",)
    [override] = book.overrides
    assert override.sheet == "pkg/sheet.csv"
    assert override.new.origin == "pkg/sheet.csv, row 2"
    bad = sheet(
        tmp_path, f"{EDITION},income_per_capita,,BTB,,60,sample,illustrative,", name="b.csv"
    )
    with pytest.raises(ExceptionGroup) as info:
        minimal.with_thresholds(bad, name="pkg/b.csv")
    assert {e.source for e in info.value.exceptions} == {"pkg/b.csv"}


def test_templates_refuse_to_overwrite_and_neutralise_formula_cells(minimal, tmp_path):
    """Issue 14.3 and 14.4: no silent overwrite; ``==`` is not run as a formula by Excel."""
    edition = minimal.get("test.commune.standard@2021-2025")
    path = tmp_path / "sheet.csv"
    text = write_template(edition, path)
    assert ",'==," in text
    with pytest.raises(OutputError, match="the file exists"):
        write_template(edition, path)
    write_template(edition, path, force=True)
    assert path.read_text(encoding="utf-8") == text


def test_xlsx_templates_go_through_the_one_writer(minimal, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    edition = minimal.get("test.commune.standard@2021-2025")
    path = tmp_path / "sheet.xlsx"
    write_template(edition, path)
    with pytest.raises(OutputError, match="the file exists"):
        write_template(edition, path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "thresholds"
    assert [c.value for c in sheet[1]] == list(SHEET_COLUMNS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.xlsx"]


def test_a_filled_blank_row_of_a_targets_template_keeps_the_target_year(tmp_path):
    # 263's targets are all for 2025: a blank regional row must carry that
    # year, or a filled one would be refused ("needs the year").
    book = Rulebook.bundled()
    edition = book.get("vn.province.targets@2021-2025")
    path = tmp_path / "targets.csv"
    write_template(edition, path, region=Region.BTB)
    rows = rows_of(path.read_text(encoding="utf-8"))
    blank = [
        r for r in rows if r["indicator"] == "share_communes_advanced" and r["region"] == "BTB"
    ]
    assert [r["year"] for r in blank] == ["2025"]
    blank[0].update(
        value="42",
        citation_number="263/QĐ-TTg",
        citation_date="2022-02-22",
        provenance="unverified",
        note="test value, not a legal one",
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    overlaid = book.with_thresholds(path).get("vn.province.targets@2021-2025")
    values = {
        (t.region, t.selectors().get("year"), t.value)
        for _, i in overlaid.indicators()
        if i.key == "share_communes_advanced"
        for t in i.thresholds
    }
    assert (Region.BTB, 2025, 42) in values


def test_blank_rows_outside_targets_editions_have_no_year():
    # 318's income is known for 2022 only; the blank rows ask for a level
    # that holds in every year, as before targets editions existed.
    edition = Rulebook.bundled().get("vn.commune.standard@2021-2025")
    rows = [
        row
        for row in rows_of(write_template(edition, None))
        if row["indicator"] == "income_per_capita" and not row["value"]
    ]
    assert rows
    assert {row["year"] for row in rows} == {""}
