"""The bundled district sets of 2021-2025: Decision 320's nine criteria and 211's special set.

Facts (shared/domain): ntm-facts-3.md fact 3 — 320 Annex I has 9 criteria, "Quy hoạch; Giao
thông; Thủy lợi và phòng, chống thiên tai; Điện; Y tế – Văn hóa – Giáo dục; Kinh tế; Môi trường;
Chất lượng môi trường sống; Hệ thống chính trị – An ninh trật tự – Hành chính công" (V*). Fact 4 —
criterion 2 per guidance 932/QĐ-BGTVT: "2.1 met when 100% of communes have car roads to district
roads and centres, 100% of district road surface asphalt or concrete, 100% of district roads
maintained yearly; 2.2 met when 100% of district roads are built to their planned grade (TCVN
4054:2005) with solid bridges and culverts; 2.4 a bus station at the district centre, where
planned, of class IV or above" (V*). Fact 5 — 211/QĐ-TTg's set for districts without
commune-level units: "3.1 irrigated and drained farmland (where any) ≥80%, details set by the
province; 3.2 '4 tại chỗ' met; 4 electricity system built to plan …: met; 5 is 'Y tế – Văn hóa –
Giáo dục' (5.1 district health centre up to standard)" (V*).
"""

import csv
import datetime as dt
import io
from fractions import Fraction

import pytest

from ntm_core import Outcome, Provenance, RuleLevel, Tier
from ntm_core.cli import main
from ntm_core.datasets import HA_TINH_DIR
from ntm_core.engine import IndicatorCatalog, Ladder, assess, explain
from ntm_core.io import read_observations
from ntm_core.rules import Rulebook

BOOK = Rulebook.bundled()
SPECIAL = "vn-special.district.standard@2024"
NAMES_320 = [
    "Quy hoạch",
    "Giao thông",
    "Thủy lợi và phòng, chống thiên tai",
    "Điện",
    "Y tế - Văn hóa - Giáo dục",
    "Kinh tế",
    "Môi trường",
    "Chất lượng môi trường sống",
    "Hệ thống chính trị - An ninh, trật tự - Hành chính công",
]
TRANSPORT = {
    "communes_car_road_to_district_share": ("2.1", Fraction(100)),
    "district_roads_paved_share": ("2.1", Fraction(100)),
    "district_roads_maintained_share": ("2.1", Fraction(100)),
    "district_roads_planned_grade_share": ("2.2", Fraction(100)),
    "district_transport_unlisted_indicators_met": ("2", True),
    "district_bus_station_met": ("2.4", True),
}
MET = "Đạt"
SPECIAL_ROW = {
    "satisfaction_rate": "95",
    "district_construction_plan_valid": MET,
    "essential_infrastructure_projects_built": "2",
    "special_district_planning_unlisted_indicators_met": MET,
    "district_roads_standard_maintained_share": "100",
    "district_roads_trees_share": "80",
    "special_district_transport_unlisted_indicators_met": MET,
    "district_has_farmland": "Không đạt",
    "irrigated_farmland_share": "",
    "district_disaster_prevention_met": MET,
    "special_district_irrigation_unlisted_indicators_met": MET,
    "district_electricity_system_met": MET,
    "district_health_centre_standard": MET,
    "special_district_health_culture_education_unlisted_indicators_met": MET,
    "special_district_unlisted_criteria_met": MET,
}


@pytest.mark.parametrize("edition", ["2021-2025", "2021-2025+211"])
def test_320_names_its_nine_criteria_as_the_secondary_source_does(edition):
    rules = BOOK.get(f"vn.district.standard@{edition}")
    criteria = [c for c in rules.criteria if not c.code.startswith("DK")]
    assert [c.code for c in criteria] == [str(n) for n in range(1, 10)]
    assert [c.name_vi for c in criteria] == NAMES_320
    for criterion in criteria:
        if criterion.code == "2":
            continue
        (indicator,) = criterion.indicators
        (threshold,) = indicator.thresholds
        assert threshold.provenance is Provenance.SECONDARY
        assert "ntm-facts-3.md fact 3" in (threshold.source or "")


@pytest.mark.parametrize("edition", ["2021-2025", "2021-2025+211"])
def test_320_transport_is_graded_by_the_guidance_indicators(edition):
    rules = BOOK.get(f"vn.district.standard@{edition}")
    transport = rules.criterion("2")
    found = {i.key: (i.code, i.thresholds[0].value) for i in transport.indicators}
    assert found == TRANSPORT
    for indicator in transport.indicators:
        (threshold,) = indicator.thresholds
        if indicator.key == "district_transport_unlisted_indicators_met":
            assert threshold.provenance is Provenance.UNVERIFIED  # 2.3 is not in the facts
            assert threshold.citation.number == "320/QĐ-TTg"
            continue
        assert threshold.provenance is Provenance.SECONDARY
        assert (threshold.citation.number, threshold.citation.date) == ("932/QĐ-BGTVT", None)
        assert threshold.citation.item == indicator.code
        assert "ntm-facts-3.md fact 4" in (threshold.source or "")
    assert "district_transport_criterion_met" not in {i.key for _, i in rules.indicators()}


def test_the_special_set_is_in_force_for_the_211_period_only():
    assert BOOK.in_force("vn-special.district.standard", on=dt.date(2024, 3, 1)).id == SPECIAL
    assert BOOK.in_force("vn-special.district.standard", on=dt.date(2026, 2, 14)).id == SPECIAL
    rules = BOOK.get(SPECIAL)
    assert (rules.valid_from, rules.valid_to) == (dt.date(2024, 3, 1), dt.date(2026, 2, 15))
    assert (rules.level, rules.tier) == (RuleLevel.DISTRICT, Tier.STANDARD)
    assert rules.instrument.number == "211/QĐ-TTg"
    assert rules.indicator("irrigated_farmland_share").thresholds[0].value == 80
    assert rules.indicator("district_roads_trees_share").thresholds == ()  # set by the province
    assert rules.criterion("5").name_vi == "Y tế - Văn hóa - Giáo dục"


def test_the_special_scope_swaps_only_the_districts_standard_rung():
    on = dt.date(2024, 12, 31)
    special = Ladder.for_level(BOOK, level=RuleLevel.DISTRICT, on=on, scope="vn-special")
    plain = Ladder.for_level(BOOK, level=RuleLevel.DISTRICT, on=on)
    assert special.ids[0] == SPECIAL
    assert special.ids[1:] == plain.ids[1:]
    communes = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=on, scope="vn-special")
    assert communes.ids == Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=on).ids


def _special_file(tmp_path, **changes):
    row = {"unit_code": "D1", "period": "2024", "level": "district", **SPECIAL_ROW, **changes}
    path = tmp_path / "special.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return path


def _trees_sheet(tmp_path):
    """The province's roadside-tree level (a test value), as `rules template` asks for it."""
    out = io.StringIO()
    assert main(["rules", "template", SPECIAL], out=out) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    (row,) = [r for r in rows if r["indicator"] == "district_roads_trees_share"]
    assert row["value"] == ""
    row.update(value="70", citation_number="TEST/province", provenance="illustrative")
    path = tmp_path / "trees.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return path


def _observations(path, book):
    return read_observations(path, catalog=IndicatorCatalog.from_editions([book.get(SPECIAL)]))


def test_a_district_without_communes_is_graded_by_the_special_set(tmp_path):
    book = BOOK.with_thresholds(_trees_sheet(tmp_path))
    data = _observations(_special_file(tmp_path), book)
    result = explain(
        data, "D1", on="2024-12-31", level="district", rulebook=book, scope="vn-special"
    )
    standard = result.rungs[0]
    assert (standard.edition, standard.outcome) == (SPECIAL, Outcome.MET)
    irrigation = next(c for c in standard.criteria if c.code == "3")
    assert irrigation.outcome is Outcome.MET  # 3.1 does not apply: no farmland
    batch = assess(data, on="2024-12-31", level="district", rulebook=book, scope="vn-special")
    assert batch.explain("D1").rungs[0].outcome is Outcome.MET


def test_the_special_set_fails_on_farmland_under_80_percent_and_waits_for_the_province(tmp_path):
    path = _special_file(tmp_path, district_has_farmland=MET, irrigated_farmland_share="79.99")
    book = BOOK.with_thresholds(_trees_sheet(tmp_path))
    result = explain(
        _observations(path, book), "D1", on="2024-12-31", level="district", rulebook=book,
        scope="vn-special",
    )  # fmt: skip
    assert result.rungs[0].outcome is Outcome.NOT_MET
    # Without the province's roadside-tree level, transport cannot be decided.
    unknown = explain(
        _observations(_special_file(tmp_path), BOOK), "D1", on="2024-12-31", level="district",
        rulebook=BOOK, scope="vn-special",
    )  # fmt: skip
    transport = next(c for c in unknown.rungs[0].criteria if c.code == "2")
    assert transport.outcome is Outcome.UNKNOWN


def test_ntm_assess_and_explain_grade_a_special_district(tmp_path):
    data, sheet = str(_special_file(tmp_path)), str(_trees_sheet(tmp_path))
    args = ["--on", "2024-12-31", "--level", "district", "--scope", "vn-special"]
    out = io.StringIO()
    assert main(["explain", data, "--unit", "D1", *args, "--thresholds", sheet], out=out) == 0
    assert f"standard (NTM) ({SPECIAL}): met" in out.getvalue()
    out = io.StringIO()
    assert main(["assess", data, *args, "--format", "csv"], out=out) == 0
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    # Criterion 2 waits for the province's roadside-tree level (no sheet here); 3 does not apply.
    assert (row["unit"], row["2"], row["3"], row["6+"]) == ("D1", "unknown", "met", "met")


def test_the_sample_carries_the_guidance_indicators_for_2022_to_2024():
    with (HA_TINH_DIR / "sample-observations.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["level"] == "district"]
    for row in rows:
        filled = {k for k in TRANSPORT if row[k]}
        if row["period"] in ("2022", "2023", "2024"):
            assert filled == set(TRANSPORT), row["unit_code"]
            assert not row["district_transport_criterion_met"]
        else:  # 2016-2020 set (Decision 558): one transport boolean
            assert not filled
            assert row["district_transport_criterion_met"]
