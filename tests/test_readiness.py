"""Province readiness: roll-up arithmetic on a hand-made tree, district and province decisions, gaps.

The communes use the synthetic "test" rules of tests/data/rules (standard,
advanced, model); districts and the province use the bundled national rules
(Decisions 320 and 321/QĐ-TTg).
"""

import datetime as dt
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

from ntm_core import AdminLevel, AdminSnapshot, AdminTree, AdminUnit, Outcome, RuleLevel, Tier
from ntm_core.engine import Column, Observations
from ntm_core.exceptions import DataError
from ntm_core.readiness import (
    PlanTarget,
    Recognition,
    TargetMeasure,
    assess_province,
    assess_provinces,
    read_targets,
)
from ntm_core.rules import DATA_DIR, IndicatorKind, Rulebook

RULES = Path(__file__).parent / "data" / "rules"
BOOK = Rulebook.from_paths(
    [
        *sorted(DATA_DIR.rglob("*.toml")),
        RULES / "minimal.toml",
        RULES / "advanced.toml",
        RULES / "model.toml",
    ]
)
ON = dt.date(2023, 12, 31)

STANDARD = {
    "income_per_capita": Fraction(46),
    "coop_effective": True,
    "has_traditional_craft": False,
    "stunting_under5": Fraction(10),
    "clean_water_share": Fraction(90),
    "waste_sorted_share": Fraction(50),
    "open_burning": False,
    "smart_village_model": False,
}
ADVANCED = {**STANDARD, "income_per_capita": Fraction(51)}
NOT_YET = {**STANDARD, "income_per_capita": Fraction(40)}
DISTRICT_OWN = {
    "share_townships_civilised": Fraction(100),
    "satisfaction_rate": Fraction(95),
    "commune_content_satisfaction_min": Fraction(85),
    **dict.fromkeys(
        (
            "communes_car_road_to_district_share",
            "district_roads_paved_share",
            "district_roads_maintained_share",
            "district_roads_planned_grade_share",
        ),
        Fraction(100),
    ),
    **dict.fromkeys(
        (
            "district_planning_criterion_met",
            "district_transport_unlisted_indicators_met",
            "district_bus_station_met",
            "district_irrigation_criterion_met",
            "district_electricity_criterion_met",
            "district_health_culture_education_criterion_met",
            "district_economy_criterion_met",
            "district_environment_criterion_met",
            "district_living_environment_criterion_met",
            "district_political_security_administration_criterion_met",
        ),
        True,
    ),
}
PROVINCE_OWN = {
    "provincial_project_adopted": True,
    "roadside_trees_share": Fraction(75),
    "green_land_per_person": Fraction(5),
    "satisfaction_provincial_services": Fraction(92),
}


def unit(code, level, parent, name=None):
    return AdminUnit(
        code=code,
        name=name or f"Unit {code}",
        level=level,
        parent_code=parent,
        attributes={"region": "BTB"},
    )


def build_case(period=2023, d2_advanced=1, d1_size=10, d2_size=11, extra_not_yet=0):
    units = [unit("P", AdminLevel.PROVINCE, None, "Tỉnh Thử")]
    units += [unit("D1", AdminLevel.DISTRICT, "P"), unit("D2", AdminLevel.DISTRICT, "P")]
    rows = {}
    for i in range(d1_size):
        code = f"D1C{i:02d}"
        units.append(unit(code, AdminLevel.COMMUNE, "D1"))
        rows[code] = ADVANCED if i == 0 else STANDARD
    for i in range(d2_size):
        code = f"D2C{i:02d}"
        units.append(unit(code, AdminLevel.COMMUNE, "D2"))
        rows[code] = (
            ADVANCED if i < d2_advanced else (NOT_YET if i >= d2_size - extra_not_yet else STANDARD)
        )
    units.append(unit("D2W", AdminLevel.WARD, "D2"))  # wards are not graded by NTM
    rows["D1"] = rows["D2"] = DISTRICT_OWN
    rows["P"] = PROVINCE_OWN
    return AdminSnapshot(on=ON, units=units), observations(rows, period)


def observations(rows, period):
    keys = sorted({k for r in rows.values() for k in r})
    kinds = {}
    for key in keys:
        sample = next(r[key] for r in rows.values() if key in r)
        kinds[key] = IndicatorKind.BOOLEAN if isinstance(sample, bool) else IndicatorKind.NUMERIC
    codes = list(rows)
    columns = {k: Column.from_values(k, kinds[k], [rows[c].get(k) for c in codes]) for k in keys}
    return Observations(codes=codes, periods=[period] * len(codes), columns=columns, source="test")


def report_of(**kwargs):
    units, obs = build_case(**kwargs)
    return assess_province(
        obs, tree=units, province="P", on=ON, rulebook=BOOK, scope="test", target_year=2025
    )


def test_commune_roll_up_counts_per_district_and_total():
    report = report_of()
    counts = report.commune_counts
    assert counts.parents == ("D1", "D2", "total")
    assert counts.children.tolist() == [10, 11, 21]
    standard = counts.tiers.index(Tier.STANDARD)
    advanced = counts.tiers.index(Tier.ADVANCED)
    assert counts.at_least[standard].tolist() == [10, 11, 21]
    assert counts.at_least[advanced].tolist() == [1, 1, 2]
    assert counts.criteria_total == 3
    assert counts.mean_criteria(2) == 3.0
    assert counts.share(Tier.ADVANCED, 0) == 10


def test_district_at_exactly_ten_percent_advanced_meets_320_and_one_just_under_does_not():
    """320/QĐ-TTg Annex I: at least 10% of the district's communes at advanced."""
    report = report_of()
    districts = report.levels[RuleLevel.DISTRICT]
    standard = dict(zip(districts.codes, districts.at_least(Tier.STANDARD).tolist(), strict=True))
    assert standard == {"D1": True, "D2": False}  # 1 of 10 = 10%; 1 of 11 = 9.09%
    # the advanced-district thresholds of 320 Annex III are unknown, so D1's tier above standard is too
    assert districts.tiers() == [None, Tier.NOT_YET]
    d2 = districts.batch.explain("D2")
    dk2 = next(c for c in d2.criteria if c.code == "DK2")
    assert dk2.outcome is Outcome.NOT_MET
    assert dk2.checks[0].observed == Fraction(100, 11)
    assert [u.code for u in report.blocking()["districts"]] == ["D2"]


def test_province_conditions_and_gaps():
    """321/QĐ-TTg: ≥40% of communes advanced → 9 of 21 needed, 2 reached: 7 more."""
    report = report_of()
    assert report.province_assessment.tier is Tier.NOT_YET
    by_code = {c.code: c for c in report.conditions}
    assert by_code["1"].outcome is Outcome.NOT_MET
    assert by_code["1"].gap == "1 more districts at standard (NTM)"
    assert by_code["4"].observed == Fraction(200, 21)
    assert by_code["4"].gap == "7 more communes at advanced"
    assert by_code["4"].gap_units == 7
    assert by_code["5"].outcome is Outcome.MET
    assert by_code["7"].outcome is Outcome.MET
    assert by_code["4"].citation.number == "321/QĐ-TTg"


def test_communes_not_at_standard_block_and_are_ranked_closest():
    report = report_of(extra_not_yet=2)
    blocking = [u.code for u in report.blocking()["communes"]]
    assert blocking == ["D2C09", "D2C10"]
    closest = report.closest(Tier.STANDARD)
    assert [(c.unit.code, c.criteria_missing) for c in closest] == [("D2C09", 1), ("D2C10", 1)]
    assert closest[0].shortfall == pytest.approx(
        float(Fraction(5, 45))
    )  # 40 against 45: short by 5
    ranking = report.criteria_ranking()
    top = ranking[0]
    assert (top.code, top.name_vi, top.name_en, top.not_met) == ("10", "Thu nhập", "Income", 2)


def test_unknown_commune_tier_makes_the_share_unknown():
    units, obs = build_case()
    income = obs.columns["income_per_capita"]
    row = obs.codes.index("D1C05")
    present = income.present.copy()
    present[row] = False
    import attrs

    obs = attrs.evolve(
        obs, columns={**obs.columns, "income_per_capita": attrs.evolve(income, present=present)}
    )
    report = assess_province(obs, tree=units, province="P", on=ON, rulebook=BOOK, scope="test")
    d1 = report.levels[RuleLevel.DISTRICT].batch.explain("D1")
    dk1 = next(c for c in d1.criteria if c.code == "DK1")
    assert dk1.outcome is Outcome.UNKNOWN
    assert report.commune_counts.unknown.tolist() == [1, 0, 1]


def test_targets_compare_new_units_per_year():
    units, obs2022 = build_case(period=2022, d2_advanced=0)
    _, obs2023 = build_case(period=2023, d2_advanced=3)
    import numpy as np

    both = Observations(
        codes=obs2022.codes + obs2023.codes,
        periods=obs2022.periods + obs2023.periods,
        columns={
            k: Column(
                key=k,
                kind=c.kind,
                num=np.concatenate([c.num, obs2023.columns[k].num]),
                den=np.concatenate([c.den, obs2023.columns[k].den]),
                present=np.concatenate([c.present, obs2023.columns[k].present]),
            )
            for k, c in obs2022.columns.items()
        },
    )
    targets = [
        PlanTarget(
            year=2023,
            measure=TargetMeasure.COMMUNES_ADVANCED,
            minimum=2,
            label_vi="x",
            label_en="new advanced",
        ),
        PlanTarget(
            year=2023,
            measure=TargetMeasure.DISTRICTS_STANDARD,
            minimum=1,
            label_vi="x",
            label_en="new districts",
        ),
        PlanTarget(
            year=2022, measure="communes_standard", minimum=1, label_vi="x", label_en="no 2021 data"
        ),
    ]
    report = assess_province(
        both, tree=units, province="P", on=ON, rulebook=BOOK, scope="test", targets=targets
    )
    assert report.period == 2023
    progress = {p.target.label_en: (p.actual, p.met) for p in report.targets}
    assert progress["new advanced"] == (3, True)
    assert progress["new districts"] == (1, True)  # D2 reaches 10% advanced in 2023
    assert progress["no 2021 data"] == (None, None)


def test_recognitions_beside_computed_status():
    report = report_of()
    assert report.meets_but_not_recognised() == []
    units, obs = build_case()
    recognitions = [
        Recognition(
            unit="D2",
            tier=Tier.STANDARD,
            decision="1/QĐ-TTg",
            decision_date=ON,
            assessment_year=2023,
        )
    ]
    report = assess_province(
        obs,
        tree=units,
        province="P",
        on=ON,
        rulebook=BOOK,
        scope="test",
        recognitions=recognitions,
    )
    assert [(u.code, t) for u, t in report.meets_but_not_recognised()] == [("D1", Tier.STANDARD)]


def test_unknown_province_is_an_input_error():
    units, obs = build_case()
    from ntm_core import InputError

    with pytest.raises(InputError, match="province 'X' is not in the administrative tree"):
        assess_province(obs, tree=units, province="X", on=ON, rulebook=BOOK)


def test_closest_ranks_every_tied_unit_by_shortfall():
    """The smallest shortfall wins among units missing as many criteria, whatever the limit."""
    units, obs = build_case(extra_not_yet=5)
    import attrs

    income = obs.columns["income_per_capita"]
    values = [income.value(i) for i in range(len(obs))]
    last = obs.codes.index("D2C10")
    values[last] = Fraction(4499, 100)  # 0.01 short of 45: the closest of the three
    obs = attrs.evolve(obs, columns={**obs.columns, "income_per_capita": Column.from_values(
        "income_per_capita", IndicatorKind.NUMERIC, values)})  # fmt: skip
    report = assess_province(obs, tree=units, province="P", on=ON, rulebook=BOOK, scope="test")
    assert [c.unit.code for c in report.closest(Tier.STANDARD, limit=1)] == ["D2C10"]


def test_the_tree_may_be_an_admin_tree_taken_on_the_day():
    snapshot, obs = build_case()
    tree = AdminTree(units=list(snapshot.values()))
    report = assess_province(obs, tree=tree, province="P", on=ON, rulebook=BOOK, scope="test")
    assert report.commune_counts.children.tolist() == [10, 11, 21]


def test_a_units_sequence_still_works_but_is_deprecated():
    snapshot, obs = build_case()
    with pytest.warns(DeprecationWarning, match="units= is deprecated"):
        report = assess_province(
            obs, units=list(snapshot.values()), province="P", on=ON, rulebook=BOOK, scope="test"
        )
    assert report.commune_counts.children.tolist() == [10, 11, 21]
    with pytest.raises(TypeError, match="not both"):
        assess_province(obs, tree=snapshot, units=[], province="P", on=ON, rulebook=BOOK)
    with pytest.raises(TypeError, match="give tree="):
        assess_province(obs, province="P", on=ON, rulebook=BOOK)


def test_target_progress_is_a_deprecated_alias():
    import importlib

    # ntm_core.readiness is the everyday function (ntm.readiness); the package is in sys.modules.
    readiness = importlib.import_module("ntm_core.readiness")

    with pytest.warns(DeprecationWarning, match="PlanTargetProgress"):
        alias = readiness.TargetProgress
    assert alias is readiness.PlanTargetProgress
    with pytest.raises(AttributeError, match="NoSuchName"):
        readiness.NoSuchName  # noqa: B018 - the attribute access is the test


def test_arrays_and_mappings_inside_a_report_are_read_only():
    report = report_of()
    counts = report.commune_counts
    for array in (counts.children, counts.at_least, counts.unknown, counts.bands):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 99
    with pytest.raises(ValueError, match="read-only"):
        counts.criteria_sum[0] = 99
    with pytest.raises(ValueError, match="read-only"):
        report.communes.provisional[0] = True
    with pytest.raises(TypeError):
        report.levels[RuleLevel.GARDEN] = report.communes  # type: ignore[index]
    units, obs = build_case()
    both = assess_provinces(obs, tree=units, on=ON, rulebook=BOOK, scope="test")
    with pytest.raises(TypeError):
        both.reports["X"] = report  # type: ignore[index]


def test_target_measure_is_an_enum_and_an_unknown_one_names_the_known(tmp_path):
    assert TargetMeasure.COMMUNES_MODEL.level is RuleLevel.COMMUNE
    assert TargetMeasure.MODEL_RESIDENTIAL_AREAS.level is RuleLevel.RESIDENTIAL_AREA
    target = PlanTarget(year=2023, measure="communes_model", minimum=1, label_vi="x", label_en="x")
    assert target.measure is TargetMeasure.COMMUNES_MODEL
    assert TargetMeasure.COMMUNES_MODEL != "communes_model"
    path = tmp_path / "targets.toml"
    path.write_text(
        '[[targets]]\nyear = 2023\nmeasure = "communes_standard"\nminimum = 1\n'
        'label_vi = "a"\nlabel_en = "a"\ncitation = { number = "1/QĐ-UBND", item = "2" }\n'
        '[[targets]]\nyear = 2023\nmeasure = "hamlets"\nminimum = 1\nlabel_vi = "b"\n'
        'label_en = "b"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        read_targets(path)
    text = str(caught.value)
    assert str(path) in text
    assert "targets[1].measure" in text
    assert "'hamlets'" in text
    assert "communes_standard" in text
    assert "model_residential_areas" in text


def test_targets_file_problems_name_the_target(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text("[[targets]]\nyear = 2023\nminimum = 1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"targets\[0\]: missing key 'measure'"):
        read_targets(path)
    path.write_text(
        '[[targets]]\nyear = 2023\nmeasure = "communes_model"\nminimum = 1\nlabel_vi = "a"\n'
        'label_en = "a"\ncitation = { number = "1", page = 3 }\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="unknown citation field"):
        read_targets(path)
    path.write_text(
        '[[targets]]\nyear = 2023\nmeasure = "communes_model"\nminimum = 1\nlabel_vi = "a"\n'
        'label_en = "a"\ncitation = { number = "1", date = 2022-03-08 }\n',
        encoding="utf-8",
    )
    assert read_targets(path)[0].citation.date == dt.date(2022, 3, 8)
    path.write_bytes(b"\xff\xfe[[targets]]")
    with pytest.raises(DataError, match="not UTF-8"):
        read_targets(path)
    with pytest.raises(DataError, match="cannot read"):
        read_targets(tmp_path / "missing.toml")
    path.write_text("[[targets]\n", encoding="utf-8")
    with pytest.raises(DataError, match="cannot read targets"):
        read_targets(path)


def test_a_share_over_zero_units_is_not_applicable_never_met():
    """A province without districts: 321's district conditions count nothing, so are not met."""
    units = [unit("P", AdminLevel.PROVINCE, None, "Tỉnh Thử")]
    rows = {"P": PROVINCE_OWN}
    for i in range(5):
        units.append(unit(f"C{i}", AdminLevel.COMMUNE, "P"))
        rows[f"C{i}"] = ADVANCED
    report = assess_province(
        observations(rows, 2023),
        tree=AdminSnapshot(on=ON, units=units),
        province="P",
        on=ON,
        rulebook=BOOK,
        scope="test",
    )
    by_code = {c.code: c for c in report.conditions}
    assert by_code["1"].outcome is Outcome.NOT_APPLICABLE
    assert "no districts in the administrative tree" in by_code["1"].reason
    assert report.province_assessment.tier is not Tier.TASK_COMPLETED
    assert "not counted as met" in report.outcome_note()
    assert "not applicable (2)" in report_of().outcome_note()  # the case has no towns


def test_nothing_dated_after_on_is_counted():
    units, obs = build_case(period=2023)
    from ntm_core import InputError

    with pytest.raises(InputError, match="period 2023 ends after 2023-06-30"):
        assess_province(
            obs, tree=units, province="P", on=dt.date(2023, 6, 30), period=2023, rulebook=BOOK
        )
    with pytest.raises(InputError, match=r"no period .* ends on or before 2023-06-30"):
        assess_province(obs, tree=units, province="P", on=dt.date(2023, 6, 30), rulebook=BOOK)
    later = Recognition(
        unit="D1", tier=Tier.STANDARD, decision="2/QĐ-TTg", decision_date=dt.date(2024, 1, 5),
        assessment_year=2023,
    )  # fmt: skip
    undated = attrs.evolve(later, decision_date=None, assessment_year=2024)
    known = attrs.evolve(later, decision_date=None, assessment_year=2022)
    neither = attrs.evolve(later, decision_date=None, assessment_year=None)
    report = assess_province(
        obs, tree=units, province="P", on=ON, rulebook=BOOK, scope="test",
        recognitions=[later, undated, known, neither],
    )  # fmt: skip
    assert report.recognitions == (known,)


def test_target_year_selects_its_targets_and_an_unknown_year_names_the_known():
    units, obs = build_case()
    targets = [
        PlanTarget(year=2023, measure="communes_model", minimum=1, label_vi="a", label_en="a"),
        PlanTarget(year=2024, measure="communes_model", minimum=1, label_vi="b", label_en="b"),
    ]
    report = assess_province(
        obs, tree=units, province="P", on=ON, rulebook=BOOK, scope="test",
        target_year=2024, targets=targets,
    )  # fmt: skip
    assert [p.target.label_en for p in report.targets] == ["b"]
    assert report.targets[0].actual is None  # 2024's data are not known on 2023-12-31
    from ntm_core import InputError

    with pytest.raises(InputError, match=r"encoded for 1999; years with some: 2021, .*2030"):
        assess_province(obs, tree=units, province="P", on=ON, rulebook=BOOK, target_year=1999)


def test_labels_travel_with_every_format():
    from ntm_core.readiness._render import (
        readiness_html,
        readiness_markdown,
        readiness_text,
        readiness_to_dict,
    )

    units, obs = build_case()
    report = assess_province(
        obs, tree=units, province="P", on=ON, rulebook=BOOK, scope="test", synthetic=True,
    )  # fmt: skip
    data = readiness_to_dict(report)
    assert data["synthetic"] is True
    assert data["illustrative_thresholds"] == [n.to_dict() for n in report.labels.illustrative]
    assert data["overridden_thresholds"] == []
    for text in (readiness_text(report), readiness_markdown(report), readiness_html(report)):
        assert "SYNTHETIC" in text
