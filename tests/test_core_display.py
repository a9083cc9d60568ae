"""The shared display pieces: units in words, short reprs, escaped HTML, outcome marks, workbooks."""

import io
from fractions import Fraction
from html.parser import HTMLParser

import pytest

from ntm_core import Outcome
from ntm_core._core.accessor import Accessor
from ntm_core._core.display import (
    check_lang,
    details,
    html_table,
    markdown_cell,
    outcome_mark,
    short_repr,
    unit_text,
)
from ntm_core._core.optional import require
from ntm_core._core.workbook import Sheet, neutralise, workbook_bytes
from ntm_core.exceptions import InputError, MissingDependencyError, NtmCoreError


@pytest.mark.parametrize(
    ("unit", "en", "vi"),
    [
        ("million_VND / person / year", "million VND/person/year", "triệu đồng/người/năm"),
        ("m**2 / person", "m²/person", "m²/người"),
        ("million_VND / ha", "million VND/ha", "triệu đồng/ha"),
        ("percent", "%", "%"),
        ("dimensionless", "", ""),
        (None, "", ""),
    ],
)
def test_units_are_written_the_way_people_write_them(unit, en, vi):
    assert unit_text(unit, lang="en") == en
    assert unit_text(unit, lang="vi") == vi


@pytest.mark.parametrize("lang", ["fr", None, "VI", 1])
def test_an_unknown_language_is_an_input_error_naming_the_argument(lang):
    with pytest.raises(InputError, match="lang"):
        check_lang(lang)


def test_short_repr_stays_under_300_characters():
    text = short_repr("Thing", ("codes", ",".join(str(i) for i in range(1000))))
    assert len(text) < 300
    assert text.startswith("<Thing codes=0,1,2")
    assert text.endswith("…>")


def test_outcomes_differ_without_colour():
    marks = {outcome_mark(o, lang="vi") for o in Outcome}
    assert len(marks) == 4
    assert outcome_mark(Outcome.NOT_MET) == "✗ not met"


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.cells.append(data)


def test_html_tables_escape_every_cell_and_say_how_many_rows_are_hidden():
    table = html_table(
        ["name", "value"], [["<script>x</script>", 1], ["b", None], ["c", 3]], limit=2
    )
    parser = _Cells()
    parser.feed(table)
    assert "script" not in parser.tags
    assert "<script>x</script>" in parser.cells
    assert "1 more rows" in table


def test_details_escapes_its_summary():
    assert details("a<b", "<p>x</p>").startswith("<details><summary>a&lt;b</summary><p>x</p>")


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheet_formulas_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_a_leading_apostrophe_is_doubled_so_readers_restore_it_exactly():
    assert neutralise("'=x") == "''=x"
    assert neutralise("'plain") == "''plain"


def test_workbooks_freeze_the_header_and_store_numbers_as_numbers():
    openpyxl = pytest.importorskip("openpyxl")
    data = workbook_bytes(
        [
            Sheet(
                title="Communes: tiers/2024",
                header=["code", "share", "name"],
                rows=[["18073", Fraction(1, 2), "=cmd"]],
            ),
            Sheet(title="Communes: tiers/2024", header=["x"], rows=[[3]]),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    first, second = book.worksheets
    assert first.title == "Communes  tiers 2024"
    assert second.title == "Communes  tiers 2024 (2)"
    assert first.freeze_panes == "A2"
    assert [c.value for c in first[2]] == ["18073", 0.5, "'=cmd"]
    assert first["A1"].font.bold


def test_a_missing_optional_package_says_how_to_install_it():
    with pytest.raises(MissingDependencyError) as info:
        require("ntm_core_no_such_module", feature="the test")
    assert isinstance(info.value, NtmCoreError)
    assert isinstance(info.value, ImportError)
    assert "pip install 'ntm-core[ntm_core_no_such_module]'" in str(info.value)


def test_accessors_bind_to_the_instance():
    class Plots:
        def __init__(self, owner):
            self.owner = owner

    class Result:
        plot = Accessor(Plots)

    result = Result()
    assert result.plot.owner is result
    assert isinstance(Result.plot, Accessor)


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("Xã A | B", "Xã A \\| B"),
        ("line\nbreak\r\nand\rmore", "line break and more"),
        ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),
        ("[click](javascript:x)", "\\[click\\](javascript:x)"),
        ("a\\|b", "a\\\\\\|b"),
        ("&lt;", "\\&lt;"),
        ("`code|`", "\\`code\\|\\`"),
        ("=HYPERLINK(1)", "=HYPERLINK(1)"),
        (None, ""),
        (45, "45"),
    ],
)
def test_markdown_cells_cannot_break_out_of_their_cell(text, cell):
    """Issue 14.4: unit names were written raw into Markdown tables."""
    assert markdown_cell(text) == cell
    assert "\n" not in markdown_cell(text)


def test_charts_of_synthetic_data_say_so():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import ntm_core as ntm

    report = ntm.readiness(ntm.sample(), on="2024-12-31", target=2025)
    for draw in (report.plot.conditions, report.plot.tiers_by_district, report.plot.criteria):
        axes = draw(lang="vi")
        assert "SỐ LIỆU GIẢ LẬP (dữ liệu mẫu)" in [t.get_text() for t in axes.texts]
        matplotlib.pyplot.close(axes.figure)
