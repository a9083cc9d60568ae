"""The engine: scalar and batch paths agree, tiers move the right way, UNKNOWN is honest.

The rules here are the synthetic "test" scope under tests/data/rules/: a
standard rung (income, production organisation with a When-gate, stunting),
an advanced rung (higher income, an at-least-2-of-3 environment criterion
with a Not) and a model rung (income 10% above advanced, smart village).
"""

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_core import Outcome, RuleLevel, Tier
from ntm_core.engine import Assessment, Column, Observations, assess, explain, render_text
from ntm_core.rules import IndicatorKind, Rulebook

DATA = Path(__file__).parent / "data" / "rules"
ON = dt.date(2023, 6, 1)
BOOK = Rulebook.from_paths(sorted(DATA.glob("*.toml")))
# The same rules with the one absent threshold filled, for properties about observations only.
FULL_BOOK = BOOK.with_thresholds(DATA.parent / "sheets" / "craft-plan.csv")

KINDS = {
    "income_per_capita": IndicatorKind.NUMERIC,
    "coop_effective": IndicatorKind.BOOLEAN,
    "has_traditional_craft": IndicatorKind.BOOLEAN,
    "craft_conservation_plan": IndicatorKind.BOOLEAN,
    "stunting_under5": IndicatorKind.RATIO,
    "clean_water_share": IndicatorKind.RATIO,
    "waste_sorted_share": IndicatorKind.RATIO,
    "open_burning": IndicatorKind.BOOLEAN,
    "smart_village_model": IndicatorKind.BOOLEAN,
    "no_construction_debt": IndicatorKind.BOOLEAN,
}
# Values at, and one smallest step either side of, every threshold of the test rules.
STEP = Fraction(1, 10**6)
EDGES = {
    "income_per_capita": [Fraction(v) for v in ("36", "40", "44", "44.5", "45", "50", "55", "44")],
    "stunting_under5": [Fraction(25)],
    "clean_water_share": [Fraction("55.5")],
    "waste_sorted_share": [Fraction(30)],
}
PASSING = {
    "income_per_capita": Fraction(1000),
    "coop_effective": True,
    "has_traditional_craft": False,
    "craft_conservation_plan": True,
    "stunting_under5": Fraction(0),
    "clean_water_share": Fraction(100),
    "waste_sorted_share": Fraction(100),
    "open_burning": False,
    "smart_village_model": True,
    "no_construction_debt": True,
}
FAILING = {
    "income_per_capita": Fraction(0),
    "coop_effective": False,
    "has_traditional_craft": True,
    "craft_conservation_plan": False,
    "stunting_under5": Fraction(100),
    "clean_water_share": Fraction(0),
    "waste_sorted_share": Fraction(0),
    "open_burning": True,
    "smart_village_model": False,
    "no_construction_debt": False,
}


def numeric_values(key):
    edges = EDGES[key]
    near = st.sampled_from(edges).flatmap(lambda e: st.sampled_from([e - STEP, e, e + STEP]))
    anywhere = st.fractions(min_value=0, max_value=100, max_denominator=1000)
    return st.one_of(near, anywhere)


def value_strategy(key):
    if KINDS[key] is IndicatorKind.BOOLEAN:
        return st.one_of(st.none(), st.booleans())
    return st.one_of(st.none(), numeric_values(key))


@st.composite
def unit_rows(draw):
    row = {key: draw(value_strategy(key)) for key in KINDS}
    row["region"] = draw(st.sampled_from([None, "BTB", "TDMNPB", "ĐBSH"]))
    row["commune_kind"] = draw(st.sampled_from([None, None, "extremely_disadvantaged"]))
    row["period"] = draw(st.sampled_from([2022, 2023]))
    return row


def build(rows):
    return Observations(
        codes=[f"{i:05d}" for i in range(len(rows))],
        periods=[r["period"] for r in rows],
        columns={k: Column.from_values(k, kind, [r[k] for r in rows]) for k, kind in KINDS.items()},
        attributes={
            "region": [r["region"] for r in rows],
            "commune_kind": [r["commune_kind"] for r in rows],
            "name": [f"Xã {i}" for i in range(len(rows))],
        },
        source="test",
    )


def tier_of(row, rulebook=BOOK):
    obs = build([row])
    return explain(obs, "00000", on=ON, rulebook=rulebook, scope="test")


@settings(max_examples=150)
@given(st.lists(unit_rows(), min_size=1, max_size=12))
def test_scalar_and_batch_paths_agree(rows):
    obs = build(rows)
    batch = assess(obs, on=ON, rulebook=BOOK, scope="test")
    tiers = batch.tiers()
    for i, code in enumerate(obs.codes):
        single = batch.explain(code)
        assert single.tier == tiers[i]
        assert single.tier_at_least == batch.tiers_at_least()[i]
        for rung, result in enumerate(single.rungs):
            assert result.outcome == batch.outcomes(rung)[i]
            assert {c.code: c.outcome for c in result.criteria} == batch.criterion_outcomes_of(
                i, rung
            )
        assert single.criteria_met == int(batch.criteria_met()[i])


def improve(key, value):
    if isinstance(value, bool):
        return PASSING[key]
    if key == "stunting_under5":
        return value - STEP if value >= STEP else value
    return value + STEP


@settings(max_examples=150)
@given(
    unit_rows(),
    st.sampled_from([k for k in KINDS if k not in ("has_traditional_craft", "open_burning")]),
)
def test_improving_an_observation_never_lowers_the_tier(row, key):
    if row[key] is None:
        return
    before = tier_of(row)
    better = dict(row)
    better[key] = improve(key, row[key])
    after = tier_of(better)
    assert after.tier_at_least >= before.tier_at_least
    if before.tier is not None and after.tier is not None:
        assert after.tier >= before.tier


@settings(max_examples=200)
@given(unit_rows())
def test_tier_is_unknown_only_if_the_missing_inputs_could_change_it(row):
    # In BTB every indicator of the test rules has a threshold, so the only
    # missing inputs are observations (an absent threshold is a missing input too).
    row["region"] = "BTB"
    row["commune_kind"] = None
    result = tier_of(row, FULL_BOOK)
    best = tier_of(
        {k: (PASSING[k] if v is None and k in PASSING else v) for k, v in row.items()}, FULL_BOOK
    )
    worst = tier_of(
        {k: (FAILING[k] if v is None and k in FAILING else v) for k, v in row.items()}, FULL_BOOK
    )
    assert best.tier is not None
    assert worst.tier is not None
    if result.tier is None:
        assert best.tier != worst.tier
    else:
        assert best.tier == worst.tier == result.tier


@settings(max_examples=60)
@given(unit_rows())
def test_json_round_trips(row):
    result = tier_of(row)
    text = json.dumps(result.to_dict(), ensure_ascii=False)
    assert Assessment.from_dict(json.loads(text)) == result


def full_row(**changes):
    row = dict(PASSING, region="BTB", commune_kind=None, period=2023)
    row.update(changes)
    return row


def test_one_vnd_under_the_income_threshold_fails_criterion_10():
    result = tier_of(full_row(income_per_capita=Fraction(45) - Fraction(1, 10**6)))
    assert result.tier is Tier.NOT_YET
    assert result.outcome is Outcome.NOT_MET
    failed = [c for c in result.criteria if c.outcome is Outcome.NOT_MET]
    assert [c.code for c in failed] == ["10"]
    check = failed[0].checks[0]
    assert check.margin == Fraction(-1, 10**6)
    assert check.threshold == 45
    assert check.citation.number == "0/TEST"
    text = render_text(result)
    assert "short by 0.000001 million VND/person/year" in text
    assert "[0/TEST of 2022-03-08, Annex I, item 10; secondary]" in text
    vi = render_text(result, lang="vi")
    assert "còn thiếu 0,000001 triệu đồng/người/năm" in vi


def test_income_missing_makes_the_tier_unknown_and_lists_income():
    result = tier_of(full_row(income_per_capita=None))
    assert result.tier is None
    assert result.tier_at_least is Tier.NOT_YET
    assert result.outcome is Outcome.UNKNOWN
    assert result.missing == ("income_per_capita",)
    assert "Missing observations (1): income_per_capita" in render_text(result)


def test_everything_met_reaches_model():
    result = tier_of(full_row())
    assert result.tier is Tier.MODEL
    assert result.next_rung is None
    assert result.criteria_met == 3
    assert "All rungs met." in render_text(result)


def test_model_income_is_ten_percent_above_the_advanced_level():
    """319/QĐ-TTg: income ≥ 10% above the advanced level at the same time."""
    assert tier_of(full_row(income_per_capita=Fraction(55))).tier is Tier.MODEL
    assert tier_of(full_row(income_per_capita=Fraction(55) - STEP)).tier is Tier.ADVANCED


def test_extremely_disadvantaged_commune_uses_the_tdmnpb_level():
    row = full_row(income_per_capita=Fraction(36), commune_kind="extremely_disadvantaged")
    income = tier_of(row).criteria[0]
    assert income.outcome is Outcome.MET
    assert income.checks[0].selectors == {"region": "TDMNPB"}
    assert tier_of(full_row(income_per_capita=Fraction(36))).criteria[0].outcome is Outcome.NOT_MET


def test_when_gate_makes_the_craft_plan_not_applicable():
    result = tier_of(full_row(has_traditional_craft=False, craft_conservation_plan=None))
    assert result.outcome is Outcome.MET
    result = tier_of(full_row(has_traditional_craft=True, craft_conservation_plan=None))
    assert result.outcome is Outcome.UNKNOWN


def test_recognition_conditions_are_reported_when_observed():
    result = tier_of(full_row(no_construction_debt=False))
    assert result.recognition is not None
    assert result.recognition.outcome is Outcome.NOT_MET
    assert result.tier is Tier.MODEL  # meeting the criteria and being recognised are distinct
    assert tier_of(full_row(no_construction_debt=None)).recognition is None


def test_provisional_when_a_deciding_threshold_is_unverified():
    # craft plan threshold is unverified in minimal.toml
    assert tier_of(full_row()).provisional is True


def test_batch_result_helpers():
    obs = build(
        [full_row(), full_row(income_per_capita=None), full_row(income_per_capita=Fraction(0))]
    )
    batch = assess(obs, on=ON, rulebook=BOOK, scope="test")
    assert batch.tiers() == [Tier.MODEL, None, Tier.NOT_YET]
    assert batch.outcomes() == [Outcome.MET, Outcome.UNKNOWN, Outcome.NOT_MET]
    assert [a.unit for a in batch.assessments()] == ["00000", "00001", "00002"]
    assert len(batch) == 3
    with pytest.raises(KeyError, match="no observations for unit '99999'"):
        batch.explain("99999")


def test_no_edition_in_force_is_an_error():
    from ntm_core import RuleNotInForceError

    obs = build([full_row()])
    with pytest.raises(RuleNotInForceError):
        assess(obs, on=dt.date(2015, 1, 1), rulebook=BOOK, scope="test")


def test_unreadable_region_names_the_unit():
    obs = build([full_row(region="Atlantis")])
    with pytest.raises(ExceptionGroup) as info:
        assess(obs, on=ON, rulebook=BOOK, scope="test")
    assert "unit '00000': unknown NTM region 'Atlantis'" in str(info.value.exceptions[0])


def test_render_rejects_unknown_language():
    with pytest.raises(ValueError, match="expected lang="):
        render_text(tier_of(full_row()), lang="fr")


def test_from_dict_rejects_other_schemas():
    with pytest.raises(ValueError, match="expected schema"):
        Assessment.from_dict({"schema": "other/1"})


def test_level_argument_is_respected():
    obs = build([full_row()])
    with pytest.raises(Exception, match=r"vn\.district\.standard|test\.district"):
        assess(obs, on=dt.date(2015, 1, 1), rulebook=BOOK, scope="test", level=RuleLevel.DISTRICT)


def schema():
    from importlib import resources

    text = (
        resources.files("ntm_core").joinpath("schemas/assessment-1.schema.json").read_text("utf-8")
    )
    return json.loads(text)


@settings(max_examples=40)
@given(unit_rows())
def test_json_output_validates_against_the_shipped_schema(row):
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(json.dumps(tier_of(row).to_dict(), ensure_ascii=False))
    jsonschema.validate(document, schema())
