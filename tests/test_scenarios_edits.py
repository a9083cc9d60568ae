"""Scenarios: immutable edits, exact values, validation of the whole before use (issue 12 item 1)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import scenario_sample as s
from ntm_core._core.vocabulary import Outcome, RuleLevel, Tier
from ntm_core.engine import Column, Observations, assess
from ntm_core.exceptions import InputError, UnknownIndicatorError
from ntm_core.rules import IndicatorKind
from ntm_core.scenarios import Edit, Operation, Scenario, Units, compare


def _communes() -> set[str]:
    return {u.code for u in s.tree().values() if u.level.rule_level is RuleLevel.COMMUNE}


def test_income_up_ten_percent_matches_a_hand_edited_copy(tmp_path):
    """Done when: the scenario changes the tier counts exactly as a hand-edited copy of the data."""
    base = s.read()
    edited = s.apply(Scenario.parse(["income_per_capita*1.1"]), base)
    communes = _communes()
    copy = tmp_path / "edited.csv"
    with (
        s.DATA.open(encoding="utf-8") as source,
        copy.open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.DictReader(source)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for row in reader:
            if row["unit_code"] in communes and row["income_per_capita"]:
                row["income_per_capita"] = str(Decimal(row["income_per_capita"]) * Decimal("1.1"))
            writer.writerow(row)
    by_hand = s.read(copy)
    before, after, hand = s.report(base), s.report(edited), s.report(by_hand)
    for counts in ("commune_counts", "district_counts"):
        assert np.array_equal(getattr(after, counts).at_least, getattr(hand, counts).at_least)
    assert after.communes.tiers() == hand.communes.tiers()
    assert [c.outcome for c in after.conditions] == [c.outcome for c in hand.conditions]
    changed = {
        u.code
        for u, t0, t1 in zip(
            before.communes.units, before.communes.tiers(), hand.communes.tiers(), strict=True
        )
        if t0 != t1
    }
    assert changed  # the sample must show the effect, or the test proves nothing
    listed = {t.unit for t in compare(before, after).tiers if t.level is RuleLevel.COMMUNE}
    assert listed == changed
    assert all(t.direction == "up" for t in compare(before, after).tiers)


def test_apply_returns_new_observations_and_changes_nothing():
    base = s.read()
    income = base.columns["income_per_capita"]
    snapshot = income.scaled.copy()
    edited = s.apply(Scenario.parse(["income_per_capita*1.1", "income_per_capita+2"]), base)
    assert edited is not base
    assert np.array_equal(base.columns["income_per_capita"].scaled, snapshot)
    untouched = next(k for k in base.columns if k != "income_per_capita")
    assert edited.columns[untouched] is base.columns[untouched]
    row = base.codes.index(sorted(_communes())[0])
    old = base.value("income_per_capita", row)
    assert edited.value("income_per_capita", row) == old * Fraction(11, 10) + 2  # in order, exactly


def test_edits_change_only_the_graded_level_and_the_units_named():
    base = s.read()
    tree = s.tree()
    district = next(u for u in tree.values() if u.level.value == "district")
    inside = {u.code for u in tree.descendants(district.code)}
    scenario = Scenario.parse(["income_per_capita+1"], units=Units(district=district.code))
    edited = s.apply(scenario, base)
    for row, code in enumerate(base.codes):
        old, new = base.value("income_per_capita", row), edited.value("income_per_capita", row)
        if old is None:
            continue
        assert new == (old + 1 if code in inside else old), code
    picked = sorted(_communes())[:2]
    edited = s.apply(Scenario.parse(["income_per_capita+1"], units=Units(codes=picked)), base)
    moved = {
        c
        for r, c in enumerate(base.codes)
        if edited.value("income_per_capita", r) != base.value("income_per_capita", r)
    }
    assert moved == set(picked)
    where = Units(where=lambda row: row["code"] == picked[0] and row["period"] == 2024)
    edited = s.apply(Scenario(edits=[Edit.shift("income_per_capita", 1, units=where)]), base)
    moved = [
        r
        for r in range(len(base))
        if edited.value("income_per_capita", r) != base.value("income_per_capita", r)
    ]
    assert [(base.codes[r], base.periods[r]) for r in moved] == [(picked[0], 2024)]
    assert "district" in Units(district="1", codes=["2"]).describe()
    assert Units().describe() == "every unit"


def test_district_limit_needs_the_tree():
    with pytest.raises(InputError, match="administrative tree"):
        Scenario.parse(["income_per_capita+1"], units=Units(district="436")).apply(
            s.read(), on=s.ON, rulebook=s.book(), scope=s.SCOPE
        )
    with pytest.raises(InputError, match="not in the administrative tree"):
        s.apply(Scenario.parse(["income_per_capita+1"], units=Units(district="nowhere")), s.read())


def test_meet_puts_failing_values_exactly_at_the_threshold_and_keeps_passing_ones():
    base = s.read()
    before = s.report(base)
    batch = before.communes.batch
    edited = s.apply(Scenario.parse(["income_per_capita@advanced=met"]), base)
    after = s.report(edited)
    for row, unit in enumerate(before.communes.units):
        check = next(
            c for c in batch.explain_row(row).rungs[1].checks() if c.key == "income_per_capita"
        )
        data_row = base.row_of(unit.code, 2024)
        now = edited.value("income_per_capita", data_row)
        if check.outcome is Outcome.MET:
            assert now == check.observed
        else:
            assert now == check.threshold  # exactly at it
        again = next(
            c
            for c in after.communes.batch.explain_row(row).rungs[1].checks()
            if c.key == "income_per_capita"
        )
        assert again.outcome is Outcome.MET


def _one(value, kind=IndicatorKind.NUMERIC, key="income_per_capita"):
    return Observations(
        codes=["1", "2"],
        periods=[2023, 2023],
        columns={key: Column.from_values(key, kind, value)},
        attributes={"region": ["BTB", "BTB"]},
    )


def test_meet_a_criterion_fills_missing_values_and_sets_yes_no():
    on = dt.date(2023, 12, 31)
    obs = _one([Fraction(1), None])
    edited = Scenario.parse(["criterion:1=met"]).apply(obs, on=on)
    result = assess(edited, on=on)
    assert set(result.criterion_outcomes_of(0).items()) >= {("1", Outcome.MET)}
    assert set(result.criterion_outcomes_of(1).items()) >= {("1", Outcome.MET)}
    assert obs.columns.keys() == {"income_per_capita"}  # the input is unchanged


def test_set_scale_shift_are_exact_and_percentages_stay_within_0_100():
    on = dt.date(2023, 12, 31)
    obs = _one([Fraction(90), None], IndicatorKind.RATIO, "households_clean_water_share")
    edited = Scenario.parse(["households_clean_water_share*1.2"]).apply(obs, on=on)
    assert edited.value("households_clean_water_share", 0) == 100
    assert edited.value("households_clean_water_share", 1) is None  # missing stays missing
    edited = Scenario.parse(["households_clean_water_share-95"]).apply(obs, on=on)
    assert edited.value("households_clean_water_share", 0) == 0
    edited = Scenario.parse(["households_clean_water_share=33.3"]).apply(obs, on=on)
    assert [edited.value("households_clean_water_share", r) for r in (0, 1)] == [
        Fraction(333, 10)
    ] * 2
    huge = _one([Fraction(2**61, 3), Fraction(1, 7)])
    edited = Scenario.parse(["income_per_capita*1.1", "income_per_capita+1/3"]).apply(huge, on=on)
    assert edited.value("income_per_capita", 0) == Fraction(2**61, 3) * Fraction(11, 10) + Fraction(
        1, 3
    )
    assert edited.value("income_per_capita", 1) == Fraction(1, 7) * Fraction(11, 10) + Fraction(
        1, 3
    )


def test_set_a_yes_no_indicator_and_a_column_the_data_lacks():
    on = dt.date(2023, 12, 31)
    obs = _one([Fraction(50), Fraction(30)])
    edited = Scenario.parse(["commune_plan_approved=yes"]).apply(obs, on=on)
    assert [edited.value("commune_plan_approved", r) for r in (0, 1)] == [True, True]
    edited = Scenario.parse(["commune_plan_approved=no"]).apply(edited, on=on)
    assert [edited.value("commune_plan_approved", r) for r in (0, 1)] == [False, False]
    assert (
        Scenario.parse(["commune_roads_paved_share*2"]).apply(obs, on=on).columns.keys()
        == obs.columns.keys()
    )


def test_legal_codes_resolve_in_the_edition_in_force():
    base = s.read()
    edited = s.apply(Scenario.parse(["15.1=95"]), base)
    changed = [k for k in base.columns if edited.columns[k] is not base.columns[k]]
    assert len(changed) == 1
    key = changed[0]
    communes = _communes()
    for row, code in enumerate(base.codes):
        expected = Fraction(95) if code in communes else base.value(key, row)
        assert edited.value(key, row) == expected


@pytest.mark.parametrize(
    ("text", "operation", "value"),
    [
        ("income_per_capita*1.1", Operation.SCALE, Fraction(11, 10)),
        (" income_per_capita + 2 ", Operation.SHIFT, Fraction(2)),
        ("income_per_capita-2.5", Operation.SHIFT, Fraction(-5, 2)),
        ("15.1=95", Operation.SET, Fraction(95)),
        ("commune_plan_approved=Đạt", Operation.SET, True),
        ("commune_plan_approved=no", Operation.SET, False),
        ("income_per_capita=met", Operation.MEET, None),
        ("criterion:10@advanced=met", Operation.MEET, None),
    ],
)
def test_the_grammar(text, operation, value):
    edit = Edit.parse(text)
    assert (edit.operation, edit.value) == (operation, value)
    assert edit.text == text.strip()
    rebuilt = Edit(
        operation=edit.operation,
        target=edit.target,
        criterion=edit.criterion,
        value=edit.value,
        tier=edit.tier,
    )
    assert Edit.parse(rebuilt.text) == attrs_evolve_text(edit, rebuilt.text)


def attrs_evolve_text(edit, text):
    import attrs

    return attrs.evolve(edit, text=text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("income", "cannot read edit"),
        ("income_per_capita*x", "not a number"),
        ("criterion:10*2", "go with =met only"),
        ("income_per_capita@advanced+1", "go with =met only"),
        ("income_per_capita@golden=met", "unknown tier"),
    ],
)
def test_unreadable_edits(text, message):
    with pytest.raises(InputError, match=message):
        Edit.parse(text)


def test_every_problem_is_reported_before_anything_is_applied():
    with pytest.raises(ExceptionGroup) as caught:
        Scenario.parse(["income", "x=1", "income_per_capita*y"])
    assert len(caught.value.exceptions) == 2
    scenario = Scenario.parse(
        [
            "income_per_capta*1.1",
            "commune_plan_approved*2",
            "commune_plan_approved=5",
            "income_per_capita=yes",
            "income_per_capita*-1",
            "households_clean_water_share=120",
            "criterion:99=met",
            "criterion:1@task_completed=met",
            "share_communes_advanced=met",
        ]
    )
    with pytest.raises(ExceptionGroup) as caught:
        scenario.validate(on=s.ON)
    problems = caught.value.exceptions
    assert len(problems) == 9
    assert isinstance(problems[0], UnknownIndicatorError)
    assert "did you mean 'income_per_capita'" in str(problems[0])
    assert "not scaled or shifted" in str(problems[1])
    assert "yes or no" in str(problems[2])
    assert "to a number" in str(problems[3])
    assert "negative" in str(problems[4])
    assert "0 to 100" in str(problems[5])
    assert "no criterion '99'" in str(problems[6])
    assert "not on the commune ladder" in str(problems[7])
    with pytest.raises(ExceptionGroup):
        s.apply(scenario, s.read())


def test_scenarios_compose_and_carry_threshold_sheets(tmp_path):
    a = Scenario.parse(["income_per_capita*1.1"], name="income")
    b = Scenario(edits=["income_per_capita+1"], thresholds=s.DATA.parent / "sample-thresholds.csv")
    both = a + b
    assert [e.text for e in both.edits] == ["income_per_capita*1.1", "income_per_capita+1"]
    assert both.thresholds == b.thresholds
    assert both.name == "income"
    assert a.with_edits("x=met").edits[-1].target == "x"
    assert len(a.edits) == 1  # unchanged
    with pytest.raises(TypeError):
        a + 1
    book = Scenario().with_thresholds(s.DATA.parent / "sample-thresholds.csv").rulebook()
    assert book.content_hash() == s.book().content_hash()
    assert len(repr(both)) < 300
    assert "name='income'" in repr(both)


def test_constructors_render_the_grammar():
    assert Edit.scale("income_per_capita", "1.1").text == "income_per_capita*11/10"
    assert Edit.shift("income_per_capita", -2).text == "income_per_capita-2"
    assert Edit.set("commune_plan_approved", value=False).text == "commune_plan_approved=no"
    assert Edit.set("15.1", 95).text == "15.1=95"
    assert (
        Edit.meet("income_per_capita", tier=Tier.ADVANCED).text == "income_per_capita@advanced=met"
    )
