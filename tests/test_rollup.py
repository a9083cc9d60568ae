"""Roll-ups by np.bincount equal the plain count they replace."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ntm_core import Tier
from ntm_core.readiness._rollup import band_edges, band_labels, band_of, tier_counts

LADDER = (Tier.NOT_YET, Tier.STANDARD, Tier.ADVANCED, Tier.MODEL)


@st.composite
def trees(draw):
    parents = [f"D{i}" for i in range(draw(st.integers(1, 6)))]
    n = draw(st.integers(0, 60))
    parent_of = {f"C{i}": draw(st.sampled_from([*parents, None])) for i in range(n)}
    tiers = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    unknown = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    met = draw(st.lists(st.integers(0, 19), min_size=n, max_size=n))
    return parents, parent_of, tiers, unknown, met


@given(trees())
def test_tier_counts_match_a_plain_count(tree):
    parents, parent_of, tiers, unknown, met = tree
    children = list(parent_of)
    counts = tier_counts(
        parents=parents,
        index=np.array([parents.index(p) if p else -1 for p in parent_of.values()], dtype=np.intp),
        tier_at_least=np.asarray(tiers, dtype=np.int64),
        tier_unknown=np.asarray(unknown, dtype=bool),
        criteria_met=np.asarray(met, dtype=np.int64),
        criteria_total=19,
        ladder=LADDER,
    )
    for p, code in enumerate(parents):
        mine = [i for i, c in enumerate(children) if parent_of[c] == code]
        assert counts.children[p] == len(mine)
        for t in range(len(LADDER)):
            assert counts.at_least[t][p] == sum(tiers[i] >= t for i in mine)
        assert counts.unknown[p] == sum(unknown[i] for i in mine)
        assert counts.criteria_sum[p] == sum(met[i] for i in mine)
        for b, (low, high) in enumerate(band_edges(19)):
            assert counts.bands[b][p] == sum(low <= met[i] <= high for i in mine)


def test_official_bands_for_19_criteria():
    assert band_edges(19) == ((19, 19), (15, 18), (10, 14), (5, 9), (0, 4))
    assert band_labels(19) == ("19", "15–18", "10–14", "5–9", "<5")
    assert band_labels(20)[:2] == ("20", "15–19")
    assert band_of(np.array([19, 18, 15, 14, 5, 4, 0]), 19).tolist() == [0, 1, 1, 2, 3, 4, 4]
    assert band_edges(10) == ((10, 10), (0, 9))
