"""``ntm scenario`` and ``ntm plan``: thin calls of ntm_core.scenarios on the sample or DATA."""

from __future__ import annotations

import csv
import io
import json

import scenario_sample as s
from ntm_core.cli import EXIT_BAD_INPUT, EXIT_OK, main
from ntm_core.scenarios import Scenario, compare, plan


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_scenario_json_lists_the_units_compare_finds():
    status, text = _run(
        "scenario", "--on", "2024-12-31", "--edit", "income_per_capita*1.1", "--format", "json"
    )
    assert status == EXIT_OK
    document = json.loads(text)
    base = s.read()
    expected = compare(
        s.report(base), s.report(s.apply(Scenario.parse(["income_per_capita*1.1"]), base))
    )
    assert [t["unit"] for t in document["tiers"]] == [t.unit for t in expected.tiers]
    assert document["edits"] == ["income_per_capita*1.1"]
    assert document["synthetic"] is True


def test_scenario_table_csv_and_units_file(tmp_path):
    status, text = _run(
        "scenario", "--on", "2024-12-31", "--edit", "income_per_capita*1.1", "--edit", "15.1=95"
    )
    assert status == EXIT_OK
    assert text.startswith("Bundled Hà Tĩnh sample")
    assert "Edits: income_per_capita*1.1; 15.1=95" in text
    communes = s.report(s.read()).communes
    failing = communes.batch.criterion_outcomes[1]["10"] != 1  # advanced income not met
    code = communes.codes[int(failing.nonzero()[0][0])]
    units = tmp_path / "units.csv"
    units.write_text(f"unit_code\n{code}\n", encoding="utf-8")
    status, text = _run(
        "scenario",
        "--on",
        "2024-12-31",
        "--edit",
        "criterion:10@advanced=met",
        "--units",
        str(units),
        "--format",
        "csv",
        "--lang",
        "vi",
    )
    assert status == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    flipped = {r["unit"] for r in rows if r["change"] == "criterion" and r["level"] == "commune"}
    assert flipped == {code}
    plain = tmp_path / "codes.txt"
    plain.write_text(f"{code}\n", encoding="utf-8")
    assert (
        _run(
            "scenario", "--on", "2024-12-31", "--edit", "income_per_capita+1", "--units", str(plain)
        )[0]
        == EXIT_OK
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    assert (
        _run(
            "scenario", "--on", "2024-12-31", "--edit", "income_per_capita+1", "--units", str(empty)
        )[0]
        == EXIT_BAD_INPUT
    )


def test_scenario_bad_edits_exit_1_naming_them(capsys):
    code, _ = _run("scenario", "--on", "2024-12-31", "--edit", "income_per_capta*1.1")
    assert code == EXIT_BAD_INPUT
    assert "did you mean 'income_per_capita'" in capsys.readouterr().err
    assert (
        _run("scenario", "--on", "2024-12-31", "--edit", "x", "--province", "40")[0]
        == EXIT_BAD_INPUT
    )


def test_plan_names_units_and_criteria_whose_lifting_meets_every_changeable_condition():
    """Done when: ntm plan --province 42 --on 2024-12-31 names units and criteria that do it."""
    code, text = _run("plan", "--province", "42", "--on", "2024-12-31", "--format", "json")
    assert code == EXIT_OK
    document = json.loads(text)
    assert document["steps"]
    from ntm_core.scenarios import Edit, Units

    edits = [
        Edit.meet_criterion(sf["criterion"], tier=sf["tier"], units=Units(codes=[step["unit"]]))
        for step in document["steps"]
        for sf in step["shortfalls"]
    ]
    lifted = s.report(s.apply(Scenario(edits=edits), s.read()))
    changeable = {c["code"] for c in document["conditions"] if c["changeable"]}
    assert changeable
    assert all(c.outcome.value == "met" for c in lifted.conditions if c.code in changeable)
    code, text = _run("plan", "--on", "2024-12-31")
    assert code == EXIT_OK
    for step in plan(s.report(s.read())).steps:
        assert step.unit in text
    code, text = _run("plan", "--on", "2024-12-31", "--format", "csv")
    assert code == EXIT_OK
    assert text.startswith("unit,name,target")
