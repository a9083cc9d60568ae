"""Programme targets (263/QĐ-TTg) in the readiness report, and ``--target YEAR``.

Decision 263/QĐ-TTg (22/02/2022) sets targets for 2025 by region; for Bắc Trung
Bộ (Hà Tĩnh's region): "% communes NTM 87; % district units NTM / hoàn thành 45"
(ntm-facts-2.md §8, V*). ``--target YEAR`` selects the targets **and** the
province conditions of that year (2025: 321/QĐ-TTg; 2030: 51/2025/QĐ-TTg).
"""

import datetime as dt
import json
from fractions import Fraction

import attrs
import pytest

import ntm_core as ntm
from ntm_core import AdminLevel, AdminSnapshot, InputError, Outcome, Provenance, Region
from ntm_core.cli import main
from ntm_core.readiness import ProgramTargets, assess_province
from ntm_core.readiness._assess import _conditions_on
from ntm_core.rules import Rulebook
from test_readiness import BOOK, ON, build_case

TARGETS = "vn.province.targets@2021-2025"


@pytest.fixture(scope="module")
def sample():
    return ntm.sample()


@pytest.fixture(scope="module")
def report(sample):
    return ntm.readiness(sample, on="2024-12-31", target=2025)


def run(*argv):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_the_edition_is_bundled_with_its_regional_targets_cited():
    edition = Rulebook.bundled().get(TARGETS)
    assert edition.instrument.number == "263/QĐ-TTg"
    assert edition.instrument.date == dt.date(2022, 2, 22)
    communes = edition.indicator("share_communes_standard")
    districts = edition.indicator("share_district_units_standard")
    btb = ntm.rules.Selection(region=Region.BTB, year=2025)
    assert communes.threshold_for(btb).value == 87
    assert districts.threshold_for(btb).value == 45
    assert communes.threshold_for(attrs.evolve(btb, year=2024)) is None  # targets for 2025 only
    for indicator in (communes, districts):
        assert len(indicator.thresholds) == 7  # one per NTM region; the general level in the note
        assert {t.provenance for t in indicator.thresholds} == {Provenance.SECONDARY}
        assert all("asemconnectvietnam" in t.source for t in indicator.thresholds)
    # "~40% nâng cao" is approximate: encoded as unverified, with a note saying so
    advanced = edition.indicator("share_communes_advanced").thresholds[0]
    assert advanced.provenance is Provenance.UNVERIFIED
    assert "~40%" in advanced.note


def test_the_report_compares_the_provinces_shares_with_its_regions_targets(report):
    program = report.program_targets
    assert isinstance(program, ProgramTargets)
    assert (program.edition, program.year, program.region) == (TARGETS, 2025, Region.BTB)
    assert program.instrument.number == "263/QĐ-TTg"
    by_code = {t.code: t for t in program.targets}
    assert by_code["MT1"].observed == 100  # 182 of 182 communes at standard
    assert (by_code["MT1"].threshold, by_code["MT1"].outcome) == (87, Outcome.MET)
    # 10 districts at standard and 2 of 3 towns that completed the task: 12 of 13 units
    assert by_code["MT2"].observed == Fraction(1200, 13)
    assert (by_code["MT2"].threshold, by_code["MT2"].outcome) == (45, Outcome.MET)
    assert by_code["MT3"].outcome is Outcome.NOT_MET
    assert by_code["MT3"].gap == "4 more communes at advanced"
    assert by_code["MT3"].provenance is Provenance.UNVERIFIED
    assert TARGETS in report.rules


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_format_shows_the_section_with_citation_and_provenance(report, lang, tmp_path):
    heading = (
        "Program targets (263/QĐ-TTg) for 2025"
        if lang == "en"
        else "Mục tiêu Chương trình (263/QĐ-TTg) đến năm 2025"
    )
    text = report.to_text(lang=lang)
    assert heading in text
    assert "87%" in text
    markdown = report.to_markdown(lang=lang)
    assert f"## {heading}" in markdown
    assert "| 263/QĐ-TTg of 2022-02-22 | secondary |" in markdown
    assert f"<h2>{heading}</h2>" in report.to_html(lang=lang)
    data = report.to_dict()["program_targets"]
    assert data["rule_set"] == TARGETS
    assert data["region"] == "BTB"
    assert data["targets"][0]["threshold"] == 87
    assert data["targets"][0]["citation"]["number"] == "263/QĐ-TTg"
    assert data["targets"][0]["provenance"] == "secondary"
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "r.xlsx"
    report.to_excel(path, lang=lang)
    sheet = openpyxl.load_workbook(path)[
        "Program targets" if lang == "en" else "Mục tiêu Chương trình"
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][:2] == [2025, "BTB"]
    assert rows[1][6] == 87


def test_after_the_2025_reform_the_district_share_is_not_applicable_never_met(sample):
    report = ntm.readiness(sample, on="2025-12-31", target=2025)
    districts = {t.code: t for t in report.program_targets.targets}["MT2"]
    assert districts.outcome is Outcome.NOT_APPLICABLE
    assert "abolished on 2025-07-01" in districts.reason
    assert "cấp huyện kết thúc hoạt động" in districts.reason_vi
    assert report.to_dict()["program_targets"]["targets"][1]["outcome"] == "not_applicable"


def test_without_a_target_year_or_targets_for_it_there_is_no_section(sample):
    assert ntm.readiness(sample, on="2024-12-31").program_targets is None
    later = ntm.readiness(sample, on="2024-12-31", target=2024)
    assert later.program_targets is None
    assert later.to_dict()["program_targets"] is None
    assert "Program targets" not in later.to_text()
    assert "## Program targets (" not in later.to_markdown()


def test_a_province_without_a_region_gets_no_regional_target():
    units, obs = build_case()
    bare = [
        attrs.evolve(u, attributes={}) if u.level is AdminLevel.PROVINCE else u
        for u in units.units()
    ]
    report = assess_province(
        obs, tree=AdminSnapshot(on=ON, units=bare), province="P", on=ON, rulebook=BOOK,
        scope="test", target_year=2025,
    )  # fmt: skip
    program = report.program_targets
    assert program.region is None
    outcomes = [t.outcome for t in program.targets]
    # the regional targets have no threshold for no region; the national ones still apply
    assert outcomes[:2] == [Outcome.UNKNOWN, Outcome.UNKNOWN]
    assert outcomes[2:] == [Outcome.NOT_MET, Outcome.NOT_MET]


def test_a_tier_the_childrens_rules_do_not_decide_is_unknown_not_zero(sample):
    # On 2021-12-31 communes are judged by Decision 1980, which has no advanced rung.
    report = ntm.readiness(sample, on="2021-12-31", target=2025)
    advanced = {c.code: c for c in report.conditions}["4"]
    assert advanced.observed is None
    assert advanced.outcome is Outcome.UNKNOWN
    targets = {t.code: t for t in report.program_targets.targets}
    assert targets["MT3"].outcome is Outcome.UNKNOWN
    assert targets["MT1"].observed == Fraction(17100, 182)  # 171 of 182 communes at standard
    assert targets["MT1"].outcome is Outcome.MET  # 87% needed
    assert report.conditions_on == dt.date(2025, 12, 31)  # no province rules in force in 2021


def test_the_target_year_selects_the_province_conditions_of_that_year(sample):
    in_2025 = ntm.readiness(sample, on="2024-12-31", target=2025)
    assert in_2025.province_assessment.rungs[0].edition == "vn.province.task_completed@2021-2025"
    assert in_2025.conditions_on is None  # the conditions in force on --on
    in_2030 = ntm.readiness(sample, on="2024-12-31", target=2030)
    assert in_2030.province_assessment.rungs[0].edition == "vn.province.task_completed@2026-2030"
    assert in_2030.conditions_on == dt.date(2030, 12, 31)
    assert in_2030.period == 2024  # on the data as of --on
    assert in_2030.program_targets is None
    assert in_2030.to_dict()["conditions_on"] == "2030-12-31"
    assert "province conditions of 2030 (in force on 2030-12-31)" in in_2030.to_text()
    assert "Province conditions of 2030" in in_2030.to_markdown()
    # communes and districts are still judged by the rules of --on
    assert "vn.commune.advanced@2021-2025+211" in in_2030.rules


def test_the_day_of_a_years_conditions_lies_in_its_editions_validity():
    book = Rulebook.bundled()
    assert _conditions_on(book, 2021, "vn") == dt.date(2022, 3, 8)  # 321's first day
    assert _conditions_on(book, 2025, "vn") == dt.date(2025, 12, 31)
    assert _conditions_on(book, 2026, "ha-tinh") == dt.date(2026, 12, 31)
    assert _conditions_on(book, 2031, "vn") is None


def test_a_year_with_nothing_encoded_is_an_error_naming_the_years_that_exist(sample):
    with pytest.raises(InputError) as info:
        ntm.readiness(sample, on="2024-12-31", target=2031)
    message = str(info.value)
    assert "encoded for 2031" in message
    assert "province conditions: 2021–2030" in message
    assert "programme targets: 2025" in message


def test_cli_target_year_selects_targets_and_conditions(capsys):
    code, out = run("readiness", "--on", "2024-12-31", "--target", "2030")
    assert code == 0
    assert "(vn.province.task_completed@2026-2030)" in out
    assert "Program targets" not in out
    code, out = run("readiness", "--on", "2024-12-31", "--target", "2025", "--format", "json")
    assert code == 0
    assert json.loads(out)["program_targets"]["targets"][1]["threshold"] == 45
    code, _ = run("readiness", "--on", "2024-12-31", "--target", "1999")
    assert code == 1
    assert "years with some: 2021" in capsys.readouterr().err


def test_an_unknown_region_and_missing_levels_leave_the_targets_unknown(report):
    from ntm_core import RuleLevel
    from ntm_core.readiness._targets import program_targets

    mars = attrs.evolve(report.province, attributes={"region": "Mars"})
    communes_only = {RuleLevel.COMMUNE: report.levels[RuleLevel.COMMUNE]}
    found = program_targets(
        Rulebook.bundled(), mars, communes_only, year=2025, on=report.on, scope="ha-tinh"
    )
    assert found.region is None
    by_code = {t.code: t for t in found.targets}
    # no district-level results at all: unknown (not "not applicable", which needs an empty tree)
    assert by_code["MT2"].outcome is Outcome.UNKNOWN
    assert by_code["MT2"].reason is None
    assert by_code["MT3"].outcome is Outcome.NOT_MET  # a region-less target still applies


def test_the_workbook_notes_the_target_years_province_conditions(sample, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    report = ntm.readiness(sample, on="2024-12-31", target=2030)
    path = tmp_path / "r.xlsx"
    report.to_excel(path)
    notes = [
        tuple(c.value for c in row)
        for row in openpyxl.load_workbook(path)["Labels and notes"].iter_rows()
    ]
    found = dict(notes)["Province conditions in force on"]
    assert found.date() == dt.date(2030, 12, 31)  # openpyxl reads a date cell back as a datetime
