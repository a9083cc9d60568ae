"""compare(a, b): tier changes up and down, criteria that flip, conditions that change."""

from __future__ import annotations

import datetime as dt
import json
import sys
from html.parser import HTMLParser

import pytest

import scenario_sample as s
from ntm_core._core.vocabulary import Outcome, RuleLevel
from ntm_core.engine import Column, Observations, assess
from ntm_core.exceptions import InputError, MissingDependencyError
from ntm_core.rules import IndicatorKind
from ntm_core.scenarios import Comparison, Scenario, compare

ON = dt.date(2023, 12, 31)


def _obs(values):
    keys = ("commune_plan_approved", "plan_management_rules_issued")
    return Observations(
        codes=[str(i) for i in range(len(values))],
        periods=[2023] * len(values),
        columns={k: Column.from_values(k, IndicatorKind.BOOLEAN, values) for k in keys},
        attributes={
            "region": ["BTB"] * len(values),
            "name": [f"Xã {i}" for i in range(len(values))],
        },
    )


def test_batch_results_criteria_flip_both_ways():
    a = assess(_obs([False, True]), on=ON)
    b = assess(_obs([True, False]), on=ON)
    result = compare(a, b)
    flips = {(c.unit, c.before, c.after) for c in result.criteria if c.code == "1"}
    assert flips == {("0", Outcome.NOT_MET, Outcome.MET), ("1", Outcome.MET, Outcome.NOT_MET)}
    assert result.criteria[0].name == "Xã 0"
    assert {"up", "down"} <= {r["direction"] for r in result.to_rows()}
    assert not result.conditions
    assert compare(a, a).changed is False
    assert "Nothing changes." in compare(a, a).to_text()
    assert "Không có thay đổi." in compare(a, a).to_text(lang="vi")


def test_compare_needs_two_results_of_one_kind():
    a = assess(_obs([True]), on=ON)
    with pytest.raises(InputError, match="BatchResult and str"):
        compare(a, "x")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def reports():
    base = s.read()
    before = s.report(base)
    worse = s.report(s.apply(Scenario.parse(["income_per_capita*0.5"]), base))
    better = s.report(s.apply(Scenario.parse(["income_per_capita*1.1"]), base))
    return before, worse, better


def test_reports_list_tiers_down_and_up_and_conditions(reports):
    before, worse, better = reports
    down = compare(before, worse, before="2024", after="half income")
    assert down.down
    assert not down.up
    assert {t.level for t in down.down} >= {RuleLevel.COMMUNE}
    assert any(c.code == "4" for c in down.conditions)  # the share of advanced communes falls
    up = compare(before, better)
    assert up.up
    assert not up.down
    for t in up.up:
        result = before.levels[t.level]
        row = result.codes.index(t.unit)
        assert result.tiers()[row] == t.before


def test_displays(reports, monkeypatch):
    before, worse, _ = reports
    result = compare(before, worse, before="2024", after="half income")
    assert isinstance(result, Comparison)
    assert len(repr(result)) < 300
    assert repr(result).startswith("<Comparison ")
    text = result.to_text()
    assert "Tier falls" in text
    assert "Province conditions:" in text
    assert "Criteria that flip" in text
    vi = result.to_text(lang="vi")
    assert "Xuống hạng" in vi
    assert "Điều kiện của tỉnh" in vi
    with pytest.raises(InputError):
        result.to_text(lang="fr")  # type: ignore[arg-type]
    document = json.loads(json.dumps(result.to_dict()))
    assert document["schema"] == "ntm_core.comparison/1"
    assert len(document["tiers"]) == len(result.tiers)
    rows = result.to_rows()
    assert {r["change"] for r in rows} == {"tier", "criterion", "condition"}
    frame = result.to_frame()
    assert list(frame.columns)[:3] == ["change", "level", "unit"]
    assert len(frame) == len(result.tiers) + len(result.criteria) + len(result.conditions)
    cells: list[str] = []

    class Cells(HTMLParser):
        def handle_data(self, data):
            cells.append(data)

    Cells().feed(result._repr_html_())
    assert "tier" in cells
    assert "down" in cells
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError):
        result.to_frame()
