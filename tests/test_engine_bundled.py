"""Scalar and batch paths agree over the bundled editions, at every threshold's edge.

DESIGN.md §4: "the batch path uses integer or float64 arithmetic that provably
gives the same answers (a hypothesis test compares the two paths on random data
and at the exact threshold boundaries)". Here the rules are the bundled
19-criterion commune editions (Decision 318/QĐ-TTg as issued and as amended by
211/QĐ-TTg, the 2016–2020 set, the 2026–2030 set, Hà Tĩnh's 20-criterion
set), with their region overrides (extremely disadvantaged communes use the
northern-mountain level) and relative thresholds (model income 10% above
advanced), and the Hà Tĩnh sample's illustrative sheet filling the thresholds
nobody has verified, so that most checks are really compared. Values sit
exactly at, one millionth under and one millionth over every threshold any
selection can meet, or anywhere, with denominators fuzzed.
"""

import datetime as dt
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_core import CommuneGroup, Outcome, Region, RuleLevel
from ntm_core.datasets import HA_TINH_DIR
from ntm_core.engine import Column, Ladder, Observations, assess
from ntm_core.rules import Comparator, IndicatorKind, Rulebook, Selection

BOOK = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
DATES = (
    dt.date(2019, 6, 1),  # 2016-2020
    dt.date(2023, 6, 1),  # 2021-2025 as issued
    dt.date(2025, 1, 1),  # 2021-2025 as amended by 211/QĐ-TTg
    dt.date(2026, 6, 1),  # 2026-2030, commune groups
)
SCOPES = ("vn", "ha-tinh")
STEP = Fraction(1, 10**6)


def _ladder_facts(on, scope):
    ladder = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=on, scope=scope)
    editions = (*ladder.rungs, *((ladder.recognition,) if ladder.recognition else ()))
    kinds = {}
    edges: dict[str, set[Fraction]] = {}
    for edition in editions:
        for _, indicator in edition.indicators():
            kinds[indicator.key] = indicator.kind
            for region in (None, *Region):
                for group in (None, *CommuneGroup):
                    for kind in (None, "extremely_disadvantaged"):
                        selection = Selection(
                            region=region, group=group, year=on.year, commune_kind=kind
                        )
                        threshold = ladder.thresholds(edition, selection)[indicator.key]
                        value = threshold.value if threshold is not None else None
                        if value is not None and not isinstance(value, bool):
                            edges.setdefault(indicator.key, set()).add(value)
    return kinds, {k: sorted(v) for k, v in edges.items()}


FACTS = {(on, scope): _ladder_facts(on, scope) for on in DATES for scope in SCOPES}


def test_the_bundled_ladders_have_real_thresholds_to_test():
    """Guard against a vacuous property: many numeric thresholds, relative ones included."""
    kinds, edges = FACTS[dt.date(2023, 6, 1), "vn"]
    assert len(kinds) >= 40
    assert len(edges) >= 10
    assert len(edges["income_per_capita"]) >= 3  # regions, extremely disadvantaged, model (x1.1)


def value_of(kind, edges):
    if kind is IndicatorKind.BOOLEAN:
        return st.one_of(st.none(), st.booleans())
    anywhere = st.fractions(min_value=0, max_value=200, max_denominator=10**4)
    if not edges:
        return st.one_of(st.none(), anywhere)
    near = st.sampled_from(edges).flatmap(
        lambda e: st.sampled_from([e - STEP, e, e + STEP, e * Fraction(999, 1000)])
    )
    return st.one_of(st.none(), near, near, anywhere)


@st.composite
def cases(draw):
    on, scope = draw(st.sampled_from(sorted(FACTS)))
    kinds, edges = FACTS[on, scope]
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        row = {k: draw(value_of(kind, edges.get(k, []))) for k, kind in kinds.items()}
        row["region"] = draw(st.sampled_from([None, *(r.value for r in Region)]))
        row["group"] = draw(st.sampled_from([None, *(g.value for g in CommuneGroup)]))
        row["commune_kind"] = draw(st.sampled_from([None, "extremely_disadvantaged"]))
        rows.append(row)
    return on, scope, kinds, rows


def build(on, kinds, rows):
    return Observations(
        codes=[f"{i:05d}" for i in range(len(rows))],
        periods=[on.year] * len(rows),
        columns={k: Column.from_values(k, kind, [r[k] for r in rows]) for k, kind in kinds.items()},
        attributes={name: [r[name] for r in rows] for name in ("region", "group", "commune_kind")},
        source="bundled-property",
    )


@settings(max_examples=120)
@given(cases())
def test_scalar_and_batch_agree_on_the_bundled_editions(case):
    on, scope, kinds, rows = case
    obs = build(on, kinds, rows)
    batch = assess(obs, on=on, rulebook=BOOK, scope=scope)
    tiers, at_least = batch.tiers(), batch.tiers_at_least()
    for i in range(len(obs)):
        single = batch.explain_row(i)
        assert single.tier == tiers[i]
        assert single.tier_at_least == at_least[i]
        assert single.criteria_met == int(batch.criteria_met()[i])
        for rung, result in enumerate(single.rungs):
            assert result.outcome == batch.outcomes(rung)[i]
            assert {c.code: c.outcome for c in result.criteria} == batch.criterion_outcomes_of(
                i, rung
            )
            for check in result.checks():  # the scalar path's integers are the fractions' answer
                if check.observed is not None and check.threshold is not None:
                    holds = Comparator(check.comparator).holds(check.observed, check.threshold)
                    assert check.outcome is (Outcome.MET if holds else Outcome.NOT_MET)
