"""The plan: the fewest communes and the criteria to close so that every changeable condition is met."""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser

import pytest

import scenario_sample as s
from ntm_core._core.vocabulary import Outcome, RuleLevel
from ntm_core.exceptions import InputError, MissingDependencyError
from ntm_core.scenarios import Plan, Scenario, plan


@pytest.fixture(scope="module")
def base():
    observations = s.read()
    return observations, s.report(observations)


def test_lifting_the_plan_meets_every_condition_communes_can_change(base):
    """Done when: applying "meet these criteria at threshold" and re-running meets every such condition."""
    observations, report = base
    result = plan(report)
    unmet = [c for c in report.conditions if c.outcome is not Outcome.MET]
    assert unmet  # the sample must leave something to plan, or this proves nothing
    assert {c.code for c in result.conditions} == {c.code for c in unmet}
    assert result.steps
    assert result.exists
    for step in result.steps:
        assert step.shortfalls
        assert step.criteria_missing == len(step.criteria)
    lifted = s.report(s.apply(result.scenario(), observations))
    changeable = {c.code for c in result.conditions if c.changeable}
    for condition in lifted.conditions:
        if condition.code in changeable:
            assert condition.outcome is Outcome.MET, condition
    # the plan is the smallest for the commune condition: one commune fewer does not do it
    fewer = Scenario(
        edits=[e for e in result.scenario().edits if e.units.codes != {result.steps[-1].unit}]
    )
    short = s.report(s.apply(fewer, observations))
    assert any(c.outcome is not Outcome.MET for c in short.conditions if c.code in changeable)


def test_a_condition_no_commune_can_change(base):
    observations, _ = base
    worse = s.apply(
        Scenario.parse(["roadside_trees_share=0"]), observations, level=RuleLevel.PROVINCE
    )
    report = s.report(worse)
    result = plan(report)
    own = next(c for c in result.conditions if c.level is None)
    assert not own.changeable
    assert own.reason
    assert not result.complete
    text = result.to_text()
    assert "no commune can change it" in text
    assert "incomplete" in text
    only = s.report(
        s.apply(Scenario.parse(["roadside_trees_share=0"]), s.read(), level=RuleLevel.PROVINCE)
    )
    assert plan(only).complete is False


def test_no_plan_when_nothing_is_changeable_and_nothing_when_all_is_met(base):
    observations, report = base
    done = s.report(s.apply(plan(report).scenario(), observations))
    assert plan(done).conditions == ()
    assert "nothing to plan" in plan(done).to_text()
    stuck = s.apply(plan(report).scenario(), observations)
    stuck = s.apply(Scenario.parse(["roadside_trees_share=0"]), stuck, level=RuleLevel.PROVINCE)
    result = plan(s.report(stuck))
    assert not result.exists
    assert not result.steps
    assert "No plan exists" in result.to_text()


def test_a_district_plan_and_unknown_units(base):
    _, report = base
    districts = report.levels[RuleLevel.DISTRICT]
    code = districts.units[0].code
    result = plan(report, unit=code)
    assert result.level is RuleLevel.DISTRICT
    for step in result.steps:
        assert step.parent == code
    with pytest.raises(InputError, match="not the province"):
        plan(report, unit="nowhere")


def test_displays(base, monkeypatch):
    _, report = base
    result = plan(report)
    assert isinstance(result, Plan)
    assert len(repr(result)) < 300
    assert "unit=42" in repr(result)
    text = result.to_text()
    for step in result.steps:
        assert step.unit in text
    assert "SYNTHETIC" not in text or result.synthetic
    assert "Kế hoạch cho" in result.to_text(lang="vi")
    document = json.loads(json.dumps(result.to_dict()))
    assert document["schema"] == "ntm_core.plan/1"
    assert [st["unit"] for st in document["steps"]] == [st.unit for st in result.steps]
    frame = result.to_frame()
    assert len(frame) == sum(len(st.shortfalls) for st in result.steps)
    cells: list[str] = []

    class Cells(HTMLParser):
        def handle_data(self, data):
            cells.append(data)

    Cells().feed(result._repr_html_())
    assert result.steps[0].unit in cells
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError):
        result.to_frame()
