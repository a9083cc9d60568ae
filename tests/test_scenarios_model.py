"""The projection model decides a province exactly as the readiness report does.

One draw whose projected values equal the base data (the base year itself, and
the next year's rules on unchanged data: a zero trend) is decided by
:meth:`ProvinceModel.decide` and by :func:`ntm_core.readiness.assess_province`
on the same observations, date and rules: every level's tiers, which tiers are
unknown, and every condition of the province must agree.
"""

from __future__ import annotations

import datetime as dt
import functools

import attrs
import numpy as np
import pytest

from ntm_core._core.vocabulary import Outcome, RuleLevel
from ntm_core.admin import AdminSnapshot
from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
from ntm_core.engine import CODES, IndicatorCatalog, Ladder, Observations
from ntm_core.exceptions import RuleNotInForceError
from ntm_core.io import read_observations
from ntm_core.readiness import assess_province
from ntm_core.rules import Rulebook, RuleSet
from ntm_core.scenarios._model import ProvinceModel, keys_in_force
from ntm_core.scenarios._trend import fit_trend

BASE = dt.date(2024, 12, 31)


@functools.cache
def _book() -> Rulebook:
    return Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")


@functools.cache
def _tree() -> AdminSnapshot:
    return ha_tinh_tree().as_of(BASE)


@functools.cache
def _observations() -> Observations:
    editions: list[RuleSet] = []
    for year in range(2024, 2031):
        for level in RuleLevel:
            try:
                ladder = Ladder.for_level(
                    _book(), level=level, on=dt.date(year, 12, 31), scope="ha-tinh"
                )
            except RuleNotInForceError:
                continue
            editions.extend(ladder.rungs)
    catalog = IndicatorCatalog.from_editions([*dict.fromkeys(editions), *_book()])
    return read_observations(HA_TINH_DIR / "sample-observations.csv", catalog=catalog)


def _base_as(year: int) -> Observations:
    """The base period's rows, labelled ``year`` (unchanged values: a zero trend)."""
    obs = _observations()
    rows = [i for i, p in enumerate(obs.periods) if p == BASE.year]
    return attrs.evolve(obs.select(rows), periods=[year] * len(rows))


@pytest.mark.parametrize("year", [2024, 2025])
def test_decide_agrees_with_assess_province_on_the_base_data(year: int) -> None:
    trend = fit_trend(_observations(), keys=keys_in_force(_book(), [year], scope="ha-tinh"))
    assert set(trend.anchor_period.ravel().tolist()) == {BASE.year}  # every value is of 2024
    model = ProvinceModel.build(
        trend, tree=_tree(), province="42", years=[year], rulebook=_book(), scope="ha-tinh"
    )
    decision = model.decide(0, trend.bounded(trend.anchor)[None])
    report = assess_province(
        _base_as(year),
        tree=_tree(),
        province="42",
        on=dt.date(year, 12, 31),
        rulebook=_book(),
        scope="ha-tinh",
    )
    decided = 0
    for lv in model.levels:
        found = report.levels.get(lv.level)
        if found is None or found.batch is None:
            assert decision.unknown[lv.level].all()
            continue
        assert found.codes == lv.codes
        batch = found.batch
        assert np.array_equal(decision.tiers[lv.level][0], batch.tier_at_least_index)
        assert np.array_equal(decision.unknown[lv.level][0], batch.tier_index == -2)
        decided += len(lv.codes)
    assert decided == 182 + 13 + 1  # communes, districts and towns, the province
    province = report.levels[RuleLevel.PROVINCE].batch
    assert province is not None
    outcomes = province.criterion_outcomes[0]
    assert [c[0] for c in model.conditions] == list(outcomes)
    for i, (code, key, *_) in enumerate(model.conditions):
        assert decision.conditions[0, i] == outcomes[code][0], code
        given = province.observations.columns[key].value(0)
        assert given is not None
        assert decision.values[0, i] == pytest.approx(float(given)), code
    assert bool(decision.completed[0]) == bool(province.met(0)[0])
    # the comparison is not vacuous: some conditions met, some not, in both years
    assert {int(c) for c in decision.conditions[0]} >= {CODES[Outcome.MET], CODES[Outcome.NOT_MET]}
