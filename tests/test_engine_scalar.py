"""The scalar path: decided by exact integer comparisons, explained when it is read.

Issue 10: "the scalar explaining path ≤ 0.3 ms per unit; batch and scalar agree
on every unit". The scalar path decides each check by cross-multiplying
integers (``a*q`` against ``p*b`` for a value ``a/b`` and a threshold ``p/q``)
and builds the tree of criteria and checks only when it is first read. These
tests hold the decision to ``Comparator.holds`` on fractions, in every storage
a column can have, and the deferred tree to the same value as a tree built
from plain tuples (equality, hash, repr, pickle, copies, ``attrs.evolve``).
"""

import copy
import datetime as dt
import pickle
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_core import Outcome, Region, RuleLevel
from ntm_core.datasets import HA_TINH_DIR
from ntm_core.engine import (
    Assessment,
    Column,
    Ladder,
    Observations,
    RungResult,
    assess,
    explain,
    explain_row,
    selections,
)
from ntm_core.engine._assessment import DeferredCriteria
from ntm_core.engine._ladder import selection_of
from ntm_core.engine._scalar import _OPERATORS as OPERATORS
from ntm_core.engine._scalar import _scalar_plan
from ntm_core.exceptions import InputErrors
from ntm_core.rules import Comparator, IndicatorKind, Rulebook, Selection

ON = dt.date(2023, 12, 31)
BOOK = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
LADDER = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=ON)
SELECTION = Selection(region=Region.BTB, year=ON.year)
INCOME = LADDER.thresholds(LADDER.rungs[0], SELECTION)["income_per_capita"]


def observations(values, *, key="income_per_capita", kind=IndicatorKind.NUMERIC, column=None):
    n = len(values)
    return Observations(
        codes=[f"{i:05d}" for i in range(n)],
        periods=[ON.year] * n,
        columns={key: column if column is not None else Column.from_values(key, kind, values)},
        attributes={"region": ["BTB"] * n, "name": [f"Xã {i}" for i in range(n)]},
        source="scalar-test",
    )


def check_of(assessment, key):
    return next(c for c in assessment.rungs[0].checks() if c.key == key)


def test_the_income_threshold_is_a_real_fraction_to_test():
    assert INCOME is not None
    assert INCOME.value > 0
    assert LADDER.rungs[0].indicator("income_per_capita").comparator is Comparator.GE


@pytest.mark.parametrize(
    ("storage", "big"),
    [("scaled integers", 10**3), ("exact fractions", 10**30 + 57)],
)
def test_values_at_the_threshold_edge_decide_as_fractions_do(storage, big):
    """At, just under and just over the threshold, in both column storages.

    A denominator of about 10**30 has no common scale inside int64: the column
    keeps exact per-row fractions (Python integers), and the scalar path compares
    those through ``Comparator.holds``, as the batch path compares them exactly.
    """
    step = Fraction(1, big)
    t = INCOME.value
    values = [t, t - step, t + step, t - 1, None]
    obs = observations(values)
    column = obs.columns["income_per_capita"]
    assert (column.scaled is not None) == (storage == "scaled integers")
    batch = assess(obs, on=ON, rulebook=BOOK)
    expected = [Outcome.MET, Outcome.NOT_MET, Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN]
    for row, value in enumerate(values):
        check = check_of(batch.explain_row(row), "income_per_capita")
        assert check.observed == value
        assert check.outcome is expected[row]
        assert batch.criterion_outcomes_of(row)[check.code] is check.outcome


def test_narrow_integer_storage_is_read_exactly():
    """Columns narrowed to int8/int32 and large int64 numerators read as the same numbers."""
    t = INCOME.value
    scale = t.denominator * 10**12
    numerators = np.array([t.numerator * 10**12, t.numerator * 10**12 - 1, 2**61], dtype=np.int64)
    column = Column.from_scaled(
        "income_per_capita",
        IndicatorKind.NUMERIC,
        numerators,
        scale=scale,
        present=np.ones(3, dtype=bool),
    )
    obs = observations([None] * 3, column=column)
    outcomes = [check_of(explain_row(LADDER, obs, i), "income_per_capita") for i in range(3)]
    assert [c.outcome for c in outcomes] == [Outcome.MET, Outcome.NOT_MET, Outcome.MET]
    assert [c.observed for c in outcomes] == [Fraction(int(v), scale) for v in numerators]
    small = Column.from_scaled(
        "income_per_capita", IndicatorKind.NUMERIC, [45, 60], scale=1, present=[True, True]
    )
    assert small.scaled is not None
    assert small.scaled.dtype.itemsize < 8  # narrowed: still read as Python integers
    obs = observations([None] * 2, column=small)
    assert [
        check_of(explain_row(LADDER, obs, i), "income_per_capita").observed for i in (0, 1)
    ] == [
        45,
        60,
    ]


def test_yes_no_values_decide_and_share_their_checks():
    obs = observations([True, False, None], key="commune_plan_approved", kind=IndicatorKind.BOOLEAN)
    checks = [check_of(explain_row(LADDER, obs, i), "commune_plan_approved") for i in range(3)]
    assert [c.observed for c in checks] == [True, False, None]
    assert [c.outcome for c in checks] == [Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN]
    again = check_of(explain_row(LADDER, obs, 0), "commune_plan_approved")
    assert again is checks[0]  # immutable, with three possible values: built once


def test_every_check_agrees_with_the_comparator_on_fractions():
    """The integer decision is the fraction decision, check by check, criterion by criterion."""
    t = INCOME.value
    values = [t - Fraction(1, 7), t, t + Fraction(1, 3), None]
    obs = observations(values)
    for row in range(len(values)):
        assessment = explain_row(LADDER, obs, row, selection=SELECTION)
        seen = 0
        for rung in assessment.rungs:
            for check in rung.checks():
                if check.observed is None or check.threshold is None:
                    assert check.outcome is Outcome.UNKNOWN
                    continue
                holds = Comparator(check.comparator).holds(check.observed, check.threshold)
                assert check.outcome is (Outcome.MET if holds else Outcome.NOT_MET)
                seen += 1
        assert seen == (0 if values[row] is None else len(assessment.rungs))


def deferred():
    obs = observations([INCOME.value, INCOME.value - 1])
    return explain(obs, "00001", on=ON, rulebook=BOOK)


def test_a_deferred_tree_equals_the_same_tree_built_from_tuples():
    fresh = deferred()
    text = repr(fresh)
    rebuilt = Assessment.from_dict(deferred().to_dict())
    assert deferred() == rebuilt  # compared while still deferred
    assert hash(deferred()) == hash(rebuilt)
    assert (
        fresh.criteria_met
        == rebuilt.criteria_met
        == sum(c.outcome is Outcome.MET for c in rebuilt.criteria)
    )
    assert repr(fresh) == text == repr(rebuilt)
    assert fresh.rungs[1].criteria_met == rebuilt.rungs[1].criteria_met
    assert repr(fresh.rungs[1]) == repr(rebuilt.rungs[1])
    first = fresh.criteria
    assert fresh.criteria is first  # built once, then kept
    assert isinstance(first, tuple)
    assert fresh == rebuilt
    assert fresh.to_dict() == rebuilt.to_dict()
    assert fresh.to_text() == rebuilt.to_text()
    assert fresh.to_html(lang="vi") == rebuilt.to_html(lang="vi")


def test_a_deferred_tree_pickles_and_copies_as_a_built_one():
    for copied in (
        pickle.loads(pickle.dumps(deferred())),
        copy.deepcopy(deferred()),
        copy.copy(deferred()),
    ):
        assert copied == deferred()
        assert copied.to_dict() == deferred().to_dict()
        assert all(isinstance(r.criteria, tuple) for r in copied.rungs)


def test_rungs_stay_frozen_and_evolve_keeps_their_criteria():
    rung = deferred().rungs[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rung.criteria = ()  # type: ignore[misc]
    changed = attrs.evolve(rung, outcome=Outcome.UNKNOWN)
    assert changed.outcome is Outcome.UNKNOWN
    assert changed.criteria == rung.criteria
    assert changed != rung
    plain = RungResult(tier=rung.tier, edition=rung.edition, outcome=rung.outcome, criteria=[])
    assert plain.criteria == ()
    assert plain.criteria_met == 0


def test_the_selection_of_one_row_is_the_one_every_row_gets():
    obs = Observations(
        codes=["a", "b", "c"],
        periods=[2023, 2023, 2024],
        columns={},
        attributes={
            "region": ["BTB", None, "DBSH"],
            "commune_kind": [None, "extremely_disadvantaged", None],
        },
        source="rows.csv",
    )
    assert [selection_of(obs, row) for row in range(3)] == selections(obs)
    bad = Observations(
        codes=["a", "b"],
        periods=[2023, 2023],
        columns={},
        attributes={"region": ["BTB", "Atlantis"]},
        source="rows.csv",
    )
    assert selection_of(bad, 0) == Selection(region=Region.BTB, year=2023)
    with pytest.raises(InputErrors) as raised:
        selection_of(bad, 1)
    (problem,) = raised.value.exceptions
    assert problem.source == "rows.csv"
    assert problem.value == "Atlantis"
    assert "'b'" in str(problem)


def test_explaining_one_unit_reads_only_its_row():
    """explain() and explain_row() without a selection give what the batch path explains."""
    t = INCOME.value
    obs = observations([t - 1, t, None])
    batch = assess(obs, on=ON, rulebook=BOOK)
    for row, code in enumerate(obs.codes):
        one = explain(obs, code, on=ON, rulebook=BOOK)
        assert (
            one
            == batch.explain_row(row)
            == explain_row(LADDER, obs, row, rules_hash=one.rules_hash)
        )
        assert one.name == f"Xã {row}"


def test_ladders_of_the_same_editions_hash_alike_and_fingerprints_are_kept():
    again = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=ON)
    assert again is not LADDER
    assert again.content_hash == LADDER.content_hash
    other = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=dt.date(2019, 6, 1))
    assert other.content_hash != LADDER.content_hash
    overlay = Rulebook.bundled()  # without the sample's sheet: other thresholds, other hash
    plain = Ladder.for_level(overlay, level=RuleLevel.COMMUNE, on=ON)
    assert [e.id for e in plain.rungs] == [e.id for e in LADDER.rungs]
    assert plain.content_hash != LADDER.content_hash


def plans():
    return _scalar_plan(LADDER, SELECTION)


@settings(max_examples=300)
@given(
    st.integers(-(10**30), 10**30),
    st.integers(1, 10**30),
    st.sampled_from(["income_per_capita", "multidimensional_poverty_rate", "stunting_under5"]),
    st.sampled_from(list(Comparator)),
    st.booleans(),
)
def test_the_integer_decision_is_the_fraction_decision(
    numerator, denominator, key, comparator, edge
):
    """``run`` decides numbers by ``a*q`` against ``p*b``; ``outcome`` is ``Comparator.holds``.

    Every comparator, on a real rung's plan, with huge and non-reduced values.
    """
    rung = plans().rungs[0]
    plan = attrs.evolve(rung.checks[key], comparator=comparator, operator=OPERATORS[comparator])
    leaves = tuple(
        (k, plan, n, d, plan.operator, y) if k == key else (k, p, n, d, op, y)
        for k, p, n, d, op, y in rung.leaves
    )
    rung = attrs.evolve(rung, checks={**rung.checks, key: plan}, leaves=leaves)
    assert isinstance(plan.threshold, Fraction)
    reading = (numerator, denominator)
    if edge:  # exactly at the threshold, in a non-reduced form
        reading = (plan.threshold.numerator * denominator, plan.threshold.denominator * denominator)
    readings = dict.fromkeys(plans().keys)
    readings[key] = reading
    result = rung.run(readings, Outcome.MET)
    (check,) = (c for c in result.checks() if c.key == key)
    assert check.outcome is plan.outcome(reading)
    held = comparator.holds(Fraction(*reading), plan.threshold)
    assert check.outcome is (Outcome.MET if held else Outcome.NOT_MET)
    assert check.observed == Fraction(*reading)


def test_pairings_the_integers_do_not_decide_go_through_the_comparator():
    rung = plans().rungs[0]
    number = rung.checks["income_per_capita"]
    yes_no = rung.checks["commune_plan_approved"]
    assert yes_no.threshold is True
    assert number.outcome(None) is Outcome.UNKNOWN
    assert yes_no.outcome(True) is Outcome.MET
    assert yes_no.outcome((1, 1)) is Outcome.MET  # 1 == True, as Comparator.EQ says
    assert yes_no.outcome((2, 1)) is Outcome.NOT_MET
    with pytest.raises(TypeError, match="cannot compare yes/no"):
        number.outcome(True)


def test_a_column_of_other_stored_numbers_is_read_through_its_values():
    """A column whose stored numerators are not Python integers is read by ``Column.value``."""
    t = INCOME.value
    column = Column(
        key="income_per_capita",
        kind=IndicatorKind.NUMERIC,
        present=np.array([True, True]),
        scaled=np.array([float(t.numerator), float(t.numerator - 1)]),
        scale=t.denominator,
    )
    obs = observations([None, None], column=column)
    checks = [check_of(explain_row(LADDER, obs, i), "income_per_capita") for i in (0, 1)]
    assert [c.observed for c in checks] == [column.value(0), column.value(1)]
    assert [c.outcome for c in checks] == [Outcome.MET, Outcome.NOT_MET]


def test_deferred_criteria_iterate_as_their_tuple():
    built = deferred().rungs[0].criteria
    calls = []

    def build():
        calls.append(1)
        return list(built)

    lazy = DeferredCriteria(build, tuple(c.outcome for c in built))
    assert tuple(lazy) == built
    assert lazy() == built
    assert calls == [1]
    rung = RungResult(tier=None, edition="x@1", outcome=Outcome.MET, criteria=lazy)
    assert rung.criteria == built
    assert rung.criteria_met == sum(c.outcome is Outcome.MET for c in built)


def test_a_column_built_with_a_negative_scale_is_read_through_its_values():
    """Cross-multiplying needs a positive denominator; any other scale goes through fractions."""
    column = Column(
        key="income_per_capita",
        kind=IndicatorKind.NUMERIC,
        present=np.array([True, True]),
        scaled=np.array([-(INCOME.value.numerator - 1), -INCOME.value.numerator]),
        scale=-INCOME.value.denominator,
    )
    obs = observations([None, None], column=column)
    checks = [check_of(explain_row(LADDER, obs, i), "income_per_capita") for i in (0, 1)]
    assert [c.observed for c in checks] == [
        INCOME.value - Fraction(1, INCOME.value.denominator),
        INCOME.value,
    ]
    assert [c.outcome for c in checks] == [Outcome.NOT_MET, Outcome.MET]
