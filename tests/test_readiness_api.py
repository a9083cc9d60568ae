"""The readiness report as users see it: repr, notebook HTML, renderers in two languages,
the workbook, DataFrames, plots, and ``ntm readiness --lang vi --format xlsx``."""

import html.parser
import io
import json

import matplotlib
import pytest

from ntm_core import InputError, Outcome, Tier
from ntm_core.cli import main
from ntm_core.exceptions import MissingDependencyError, OutputError
from ntm_core.readiness import ProvincesReadiness, assess_provinces
from ntm_core.readiness._render import readiness_markdown, readiness_text, readiness_to_dict
from test_readiness import BOOK, ON, build_case

matplotlib.use("Agg")
openpyxl = pytest.importorskip("openpyxl")


class Html(html.parser.HTMLParser):
    """Collects tags and the text of each table cell."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.cells = []
        self.text = []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in {"td", "th"}:
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag in {"td", "th"}:
            self._in_cell = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_cell:
            self.cells[-1] += data


def parse(text):
    parser = Html()
    parser.feed(text)
    return parser


@pytest.fixture(scope="module")
def report():
    units, obs = build_case()
    from ntm_core.readiness import assess_province

    return assess_province(
        obs, tree=units, province="P", on=ON, rulebook=BOOK, scope="test", target_year=2025,
        synthetic=True,
    )  # fmt: skip


def test_repr_is_short_and_says_what_the_report_is(report):
    text = repr(report)
    assert len(text) < 300
    for part in ("ProvinceReadiness", "province=P", "on=2023-12-31", "target=2025"):
        assert part in text
    assert "outcome=not_met" in text
    met = sum(c.outcome is Outcome.MET for c in report.conditions)
    assert f"conditions_met={met}/{len(report.conditions)}" in text


def test_repr_html_shows_outcomes_without_colour_citations_and_labels(report):
    page = parse(report._repr_html_())
    assert "table" in page.tags
    assert "details" in page.tags  # citations, illustrative thresholds
    cells = page.cells
    assert "✓ met" in cells
    assert "✗ not met" in cells
    assert "– not applicable" in cells
    text = "".join(page.text)
    assert "321/QĐ-TTg" in text
    assert "SYNTHETIC" in text
    assert "Tiers by level" in text


def test_several_provinces_have_a_short_repr_and_a_table():
    units, obs = build_case()
    reports = assess_provinces(obs, tree=units, on=ON, rulebook=BOOK, scope="test")
    assert isinstance(reports, ProvincesReadiness)
    assert repr(reports) == "<ProvincesReadiness provinces=1 codes=P>"
    page = parse(reports._repr_html_())
    assert "Tỉnh Thử" in page.cells


def test_public_renderers_are_the_private_ones_in_english(report):
    assert report.to_text() == readiness_text(report)
    assert report.to_markdown() == readiness_markdown(report)
    assert report.to_dict() == readiness_to_dict(report)
    assert report.to_html().startswith('<!DOCTYPE html>\n<html lang="en">')
    assert report.to_text(ocop_lines=["OCOP line"]).count("OCOP line") == 1


def test_vietnamese_renderers_write_vietnamese_labels_tiers_and_units(report):
    text = report.to_text(lang="vi")
    assert "Tỉnh Thử (P) — mức độ sẵn sàng cho mục tiêu năm 2025" in text
    assert "chưa hoàn thành nhiệm vụ xây dựng NTM" in text
    assert "cần thêm 7 xã đạt chuẩn NTM nâng cao" in text
    assert "m²/người" in text
    assert "không áp dụng: là tỷ lệ thị xã, thành phố" in text
    assert "Số liệu: GIẢ LẬP" in text
    assert "needs" not in text
    assert "Communes" not in text
    markdown = report.to_markdown(lang="vi")
    assert "## Điều kiện của tỉnh" in markdown
    assert "| đạt chuẩn NTM nâng cao |" in markdown
    assert "Quy định:" in markdown
    page = report.to_html(lang="vi")
    assert '<html lang="vi">' in page
    assert "<h2>Điều kiện của tỉnh</h2>" in page


def test_an_unknown_language_is_refused(report):
    with pytest.raises(InputError, match="lang='en' or lang='vi'"):
        report.to_text(lang="fr")


def test_workbook_has_one_sheet_per_section_numbers_as_numbers(report, tmp_path):
    path = tmp_path / "r.xlsx"
    assert report.to_excel(path) == path
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Conditions", "Communes by district", "Units by level", "Closest units",
        "Criteria ranking", "Plan targets", "Program targets", "Labels and notes",
    ]  # fmt: skip
    program = [[c.value for c in row] for row in book["Program targets"].iter_rows()]
    assert program[0][:4] == ["Year", "Region", "Outcome", "Code"]
    # 263/QĐ-TTg, BTB: 87% of communes at standard by 2025 (secondary); numbers as numbers
    assert program[1][:4] == [2025, "BTB", "✓ met", "MT1"]
    assert program[1][5:7] == [100, 87]
    assert program[1][-2:] == ["secondary", "vn.province.targets@2021-2025"]
    # 2 of 21 communes advanced, ~40% needed: 9 communes, so 7 more
    assert program[3][8] == "7 more communes at advanced"
    conditions = book["Conditions"]
    assert conditions.freeze_panes == "A2"
    assert [c.value for c in conditions[1]][:5] == [
        "Outcome", "Code", "Condition", "Observed", "Required",
    ]  # fmt: skip
    first = [c.value for c in conditions[2]]
    assert first[0] == "✗ not met"
    assert first[3:5] == [50, 100]  # numbers, not text
    communes = book["Communes by district"]
    assert [c.value for c in communes[4]][:3] == [None, "total", 21]
    notes = [tuple(c.value for c in row) for row in book["Labels and notes"].iter_rows()]
    assert ("Values", "SYNTHETIC (a sample, not measured data)") in notes


def test_workbook_in_vietnamese_and_no_overwrite_without_force(report, tmp_path):
    path = tmp_path / "r.xlsx"
    report.to_excel(path, lang="vi")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Điều kiện"
    assert [c.value for c in book["Điều kiện"][1]][:3] == ["Kết quả", "Mã", "Điều kiện"]
    with pytest.raises(OutputError, match="exists; pass --force"):
        report.to_excel(path)
    report.to_excel(path, force=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == "Conditions"
    with pytest.raises(OutputError, match="is a directory"):
        report.to_excel(tmp_path, force=True)


FRAMES = ["conditions", "communes", "levels", "closest", "criteria", "targets", "program_targets"]


def test_frames_one_each_named(report):
    frames = report.to_frame()
    assert list(frames) == FRAMES
    program = frames["program_targets"]
    assert list(program["code"]) == ["MT1", "MT2", "MT3", "MT4"]
    assert list(program["required"]) == [87, 45, 40, 10]
    assert list(program["provenance"]) == ["secondary", "secondary", "unverified", "unverified"]
    conditions = frames["conditions"]
    assert list(conditions["code"]) == [c.code for c in report.conditions]
    assert conditions["outcome"].iloc[0] == "not_met"
    assert conditions["observed"].iloc[0] == 50.0
    communes = frames["communes"]
    assert list(communes["name"])[-1] == "total"
    assert communes["communes"].iloc[-1] == 21
    levels = frames["levels"]
    assert set(levels["level"]) == {"commune", "district", "province"}
    criteria = frames["criteria"]
    assert criteria.loc[criteria["code"] == "10", "not_met"].max() == 19


def test_frames_without_pandas_say_how_to_install(report, monkeypatch):
    from ntm_core._core import optional

    real = optional.importlib.import_module

    def fake(name, *args):
        if name == "pandas":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(optional.importlib, "import_module", fake)
    with pytest.raises(MissingDependencyError, match=r"ntm-core\[pandas\]"):
        report.to_frame()


def test_plot_conditions_bars_are_achieved_percent_of_required(report):
    ax = report.plot.conditions()
    heights = [round(bar.get_height(), 2) for bar in ax.patches]
    assert heights[0] == 50.0  # 1 of 2 districts at standard, 100% required
    assert heights[4] == 100.0  # a yes/no condition that holds
    assert heights[6] == 125.0  # 5 m²/person of 4 required
    assert [t.get_text() for t in ax.get_xticklabels()] == [c.code for c in report.conditions]
    assert [bar.get_hatch() for bar in ax.patches][:2] == ["//", "xx"]


def test_plot_tiers_by_district_stacks_communes_per_district(report):
    import matplotlib.pyplot as plt

    _, given = plt.subplots()
    ax = report.plot.tiers_by_district(ax=given)
    assert ax is given
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["Unit D1", "Unit D2"]
    per_district = dict.fromkeys(labels, 0)
    for bar in ax.patches:
        per_district[labels[round(bar.get_x() + bar.get_width() / 2)]] += bar.get_height()
    assert per_district == {"Unit D1": 10, "Unit D2": 11}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [t.label("en") for t in report.commune_counts.tiers] + ["unknown"]


def test_plot_criteria_counts_failing_communes(report):
    ax = report.plot.criteria(lang="vi")
    widths = {
        t.get_text(): bar.get_width()
        for t, bar in zip(ax.get_yticklabels(), ax.patches, strict=True)
    }
    assert widths["10 Thu nhập"] == 19
    assert ax.get_title() == Tier.ADVANCED.label("vi")
    ax = report.plot.criteria(rung=0)
    assert all(bar.get_width() == 0 for bar in ax.patches)


def test_cli_readiness_lang_vi_xlsx_writes_a_workbook_with_vietnamese_headers(tmp_path):
    path = tmp_path / "r.xlsx"
    argv = [
        "readiness", "--province", "42", "--on", "2024-12-31", "--lang", "vi",
        "--format", "xlsx", "-o", str(path),
    ]  # fmt: skip
    assert main(argv, out=io.StringIO()) == 0
    book = openpyxl.load_workbook(path)
    assert "Điều kiện" in book.sheetnames
    year = book["Kết quả năm 2024"]  # the year's results of the sample
    assert [c.value for c in year[1]][:2] == ["Chỉ tiêu", "Công nhận năm 2024"]
    assert year.max_row > 1
    assert [c.value for c in book["Điều kiện"][1]][:4] == [
        "Kết quả",
        "Mã",
        "Điều kiện",
        "Hiện trạng",
    ]
    assert main(argv, out=io.StringIO()) == 2  # exists, no --force
    assert main([*argv, "--force"], out=io.StringIO()) == 0


def test_cli_readiness_xlsx_needs_a_file_and_text_goes_to_o(tmp_path, capsys):
    base = ["readiness", "--province", "42", "--on", "2024-12-31"]
    assert main([*base, "--format", "xlsx"], out=io.StringIO()) == 2
    assert "give -o FILE.xlsx" in capsys.readouterr().err
    path = tmp_path / "r.json"
    out = io.StringIO()
    assert main([*base, "--format", "json", "-o", str(path)], out=out) == 0
    assert out.getvalue() == ""
    assert json.loads(path.read_text(encoding="utf-8"))["province"]["code"] == "42"
    out = io.StringIO()
    assert main([*base, "--lang", "vi"], out=out) == 0
    assert out.getvalue().startswith("Dữ liệu mẫu Hà Tĩnh kèm theo")
    assert "DỮ LIỆU GIẢ LẬP" in out.getvalue()


def test_gaps_in_vietnamese_for_yes_no_and_numeric_shortfalls(report):
    """A failed yes/no condition is *chưa đạt*; a numeric one says how much is missing."""
    from fractions import Fraction

    import attrs

    from ntm_core.readiness._conditions import _gap, _gap_vi

    checks = {c.key: c for r in report.province_assessment.rungs[:1] for k in r.criteria
              for c in k.checks}  # fmt: skip
    project = attrs.evolve(
        checks["provincial_project_adopted"], observed=False, outcome=Outcome.NOT_MET
    )
    assert _gap(project, None, "") == ("not yet achieved", None)
    assert _gap_vi(project, None, "") == "chưa đạt"
    green = checks["green_land_per_person"]
    short = attrs.evolve(
        green, observed=Fraction(3), threshold=Fraction(4), outcome=Outcome.NOT_MET
    )
    assert _gap(short, None, "")[0] == "short by 1 m**2 / person"
    assert _gap_vi(short, None, "") == "còn thiếu 1 m²/người"


def test_html_lists_overridden_thresholds_and_marks_provisional_values(report):
    import attrs

    from ntm_core._core.vocabulary import Provenance
    from ntm_core.readiness import ThresholdNote

    note = ThresholdNote(
        rule="vn.province.task_completed@2021-2025", indicator="roadside_trees_share",
        value="70", provenance=Provenance.ILLUSTRATIVE, origin="sheet.csv", replaced="75",
        replaced_provenance=Provenance.VERIFIED,
    )  # fmt: skip
    first = attrs.evolve(report.conditions[0], provenance=Provenance.ILLUSTRATIVE)
    changed = attrs.evolve(
        report,
        conditions=[first, *report.conditions[1:]],
        labels=attrs.evolve(report.labels, overridden=[note]),
    )
    page = parse(changed._repr_html_())
    text = "".join(page.text)
    assert "Thresholds overridden by a sheet: 1" in text
    assert "100%*" in page.cells
    assert "* threshold unverified or illustrative" in text
    no_province = attrs.evolve(report, province_assessment=None, target_year=None)
    assert "outcome=None" in repr(no_province)
    assert "no province assessment" in "".join(parse(no_province._repr_html_()).text)


def test_several_provinces_as_frames_and_data():
    units, obs = build_case()
    reports = assess_provinces(obs, tree=units, on=ON, rulebook=BOOK, scope="test")
    frames = reports.to_frame()
    assert list(frames) == FRAMES
    assert set(frames["conditions"]["province"]) == {"P"}
    assert list(frames["conditions"].columns[:2]) == ["province", "outcome"]
    assert reports.to_dict()["P"]["province"]["code"] == "P"
    empty = ProvincesReadiness(reports={})
    assert all(frame.empty for frame in empty.to_frame().values())


def test_unit_names_cannot_break_markdown_or_html_tables():
    """Issue 14 item 4: a unit named like a table cell or a script stays one escaped cell."""
    from html.parser import HTMLParser

    import attrs

    import ntm_core as ntm

    report = ntm.readiness(ntm.sample(), on="2024-12-31", target=2025)
    levels = dict(report.levels)
    level, result = next((k, v) for k, v in levels.items() if v.units)
    hostile = "=HYPERLINK(1) | <script>x</script> [a](b)"
    units = (attrs.evolve(result.units[0], name=hostile), *result.units[1:])
    levels[level] = attrs.evolve(result, units=units)
    report = attrs.evolve(report, levels=levels)
    markdown = report.to_markdown()
    row = next(line for line in markdown.splitlines() if "HYPERLINK" in line)
    assert "\\|" in row
    assert "\\<script>" in row

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.cells = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.cells.append(data)

    parser = Cells()
    parser.feed(report.to_html())
    assert "script" not in parser.tags
    assert hostile in parser.cells
