"""The bundled Hà Tĩnh sample as the scenario tests read it (computed, never hard-coded numbers)."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from ntm_core._core.vocabulary import RuleLevel
from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
from ntm_core.engine import IndicatorCatalog, Ladder
from ntm_core.io import read_observations
from ntm_core.readiness import assess_province
from ntm_core.rules import Rulebook

ON = dt.date(2024, 12, 31)
SCOPE = "ha-tinh"
DATA = HA_TINH_DIR / "sample-observations.csv"


@functools.cache
def book() -> Rulebook:
    from ntm_core.cli._common import sample_rulebook

    return sample_rulebook(Rulebook.bundled())


@functools.cache
def catalog() -> IndicatorCatalog:
    editions = []
    for level in (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE):
        editions += Ladder.for_level(book(), level=level, on=ON, scope=SCOPE).rungs
    return IndicatorCatalog.from_editions([*editions, *book()])


def read(path: Path = DATA):
    return read_observations(path, catalog=catalog())


def tree():
    return ha_tinh_tree().as_of(ON)


def report(observations, rules: Rulebook | None = None):
    return assess_province(
        observations, tree=tree(), province="42", on=ON, rulebook=rules or book(), scope=SCOPE
    )


def apply(scenario, observations, **kwargs):
    return scenario.apply(observations, on=ON, rulebook=book(), scope=SCOPE, tree=tree(), **kwargs)
