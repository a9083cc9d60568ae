"""Engine values are really frozen, and columns are exact in both representations.

Issue 9: "after ``column.num[0] = 10``, ``column.value(0)`` still answers the old
value, so the scalar and batch paths can disagree." Every array inside an engine
value is read-only, every mapping a read-only view, and no cache hands out
something that could be changed behind it.
"""

import datetime as dt
from fractions import Fraction

import numpy as np
import pytest

from ntm_core import Outcome, RuleLevel
from ntm_core.datasets import HA_TINH_DIR
from ntm_core.engine import (
    CODES,
    Column,
    Ladder,
    Observations,
    assess,
    explain,
    explain_row,
    group_selections,
    selections,
)
from ntm_core.rules import IndicatorKind, Rulebook, Selection

ON = dt.date(2023, 12, 31)
BOOK = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")


def observations():
    return Observations(
        codes=["18550", "18551"],
        periods=[2023, 2023],
        columns={
            "income_per_capita": Column.from_values(
                "income_per_capita", IndicatorKind.NUMERIC, [Fraction(50), Fraction(91, 2)]
            ),
            "commune_plan_approved": Column.from_values(
                "commune_plan_approved", IndicatorKind.BOOLEAN, [True, None]
            ),
        },
        attributes={"region": ["BTB", "BTB"]},
    )


def test_column_arrays_are_read_only_and_values_follow_them():
    column = observations().columns["income_per_capita"]
    for array in (column.present, column.scaled, column.num, column.den):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 10
    assert column.value(0) == 50


def test_a_column_owns_its_arrays():
    """Writing into the caller's array afterwards does not reach the column."""
    values = np.array([855, 900])
    present = np.array([True, True])
    column = Column.from_scaled("x", IndicatorKind.RATIO, values, scale=10, present=present)
    values[0] = 0
    present[1] = False
    assert column.value(0) == Fraction(171, 2)
    assert column.value(1) == 90
    num = np.array([1, 2], dtype=np.int64)
    exact = Column(
        key="x",
        kind=IndicatorKind.NUMERIC,
        num=num,
        den=np.array([3, 5]),
        present=np.array([True, True]),
    )
    num[0] = 7
    assert exact.value(0) == Fraction(1, 3)


def test_observations_mappings_are_read_only():
    obs = observations()
    with pytest.raises(TypeError):
        obs.columns["x"] = obs.columns["income_per_capita"]  # type: ignore[index]
    with pytest.raises(TypeError):
        obs.attributes["region"] = ("X", "Y")  # type: ignore[index]


def test_batch_result_arrays_and_mappings_are_read_only():
    batch = assess(observations(), on=ON, rulebook=BOOK)
    for array in (
        batch.tier_index,
        batch.tier_at_least_index,
        batch.rung_outcomes[0],
        batch.criterion_outcomes[0]["10"],
        batch.met(0),
        batch.known(0, "10"),
        batch.groups.index,
    ):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1
    with pytest.raises(TypeError):
        batch.criterion_outcomes[0]["10"] = batch.rung_outcomes[0]  # type: ignore[index]
    assert batch.criterion_outcomes_of(0)["10"] is Outcome.MET  # nothing changed


def test_ladder_memos_cannot_be_poisoned():
    ladder = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=ON)
    edition = ladder.rungs[0]
    selection = selections(observations())[0]
    with pytest.raises(TypeError):
        ladder.thresholds(edition, selection)["income_per_capita"] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        ladder.indicators(edition).append(None)  # type: ignore[attr-defined]
    assert ladder.thresholds(edition, selection)["income_per_capita"] is not None


def test_check_selectors_are_read_only():
    result = explain(observations(), "18550", on=ON, rulebook=BOOK)
    check = result.criteria[9].checks[0]
    assert check.selectors["region"] == "BTB"
    with pytest.raises(TypeError):
        check.selectors["region"] = "TDMNPB"  # type: ignore[index]


def test_rulebook_raw_data_and_hash_cannot_go_stale():
    book = Rulebook.bundled()
    edition = book.in_force("vn.commune.standard", on=ON).id
    before = book.content_hash([edition])
    raw = book.raw(edition)
    with pytest.raises(TypeError):
        raw["edition"] = "changed"  # type: ignore[index]
    nested = next(v for v in raw.values() if isinstance(v, (dict, list)))
    if isinstance(nested, dict):
        nested.clear()
    else:
        nested.append("changed")
    assert book.raw(edition) != raw  # the rulebook's own data is untouched
    assert book.content_hash([edition]) == before
    assert Rulebook.bundled().content_hash([edition]) == before


def test_codes_are_a_read_only_public_mapping():
    assert CODES[Outcome.MET] == 1
    assert dict(CODES) == {
        Outcome.NOT_MET: 0,
        Outcome.MET: 1,
        Outcome.UNKNOWN: 2,
        Outcome.NOT_APPLICABLE: 3,
    }
    assert len(CODES) == 4
    assert "CODES" in repr(CODES)
    with pytest.raises(TypeError):
        CODES[Outcome.MET] = 5  # type: ignore[index]


def test_explain_row_reads_the_selection_or_takes_it():
    obs = observations()
    ladder = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=ON)
    a = explain_row(ladder, obs, 1)
    b = explain_row(ladder, obs, 1, selection=selections(obs)[1])
    assert a.unit == b.unit == "18551"
    assert a.to_dict() == b.to_dict()


def test_selection_groups_merge_equal_selections():
    obs = observations()
    groups = group_selections(selections(obs))
    assert len(groups.selections) == 1
    assert groups.index.tolist() == [0, 0]
    assert group_selections(groups) is groups
    assert groups.rows() == tuple(selections(obs))


def test_selection_groups_number_groups_in_order_of_first_appearance():
    """Equal selections made as different objects share a group; groups follow the rows."""
    a, b = Selection(year=2024), Selection(year=2023)
    a_again = Selection(year=2024)
    assert a == a_again
    assert a is not a_again
    rows = [b, a, b, a_again, a, b]
    groups = group_selections(rows)
    assert groups.selections == (b, a)
    assert groups.index.tolist() == [0, 1, 0, 1, 1, 0]
    assert groups.rows() == tuple(rows)
    assert len(group_selections([])) == 0
