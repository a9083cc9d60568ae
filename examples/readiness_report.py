"""Hà Tĩnh's readiness for its 2025 target, from Python, on the bundled sample.

The sample has real unit codes and names but SYNTHETIC indicator values, and
an ILLUSTRATIVE threshold sheet for the thresholds the national rules do not
know yet. Run: python examples/readiness_report.py
"""

import datetime as dt

from ntm_core import RuleLevel, Tier
from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
from ntm_core.engine import IndicatorCatalog, Ladder
from ntm_core.io import read_observations
from ntm_core.readiness import assess_province, read_targets
from ntm_core.rules import Rulebook

ON = dt.date(2024, 12, 31)

book = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
editions = [
    edition
    for level in (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE)
    for edition in Ladder.for_level(book, level=level, on=ON, scope="ha-tinh").rungs
]
observations = read_observations(
    HA_TINH_DIR / "sample-observations.csv", catalog=IndicatorCatalog.from_editions(editions)
)
report = assess_province(
    observations,
    tree=ha_tinh_tree().as_of(ON),
    province="42",
    on=ON,
    target_year=2025,
    rulebook=book,
    scope="ha-tinh",
    targets=read_targets(HA_TINH_DIR / "targets.toml"),
)

print(
    f"{report.province.name}: {sum(c.outcome.value == 'met' for c in report.conditions)} of "
    f"{len(report.conditions)} province conditions met (Decision 321/QĐ-TTg)"
)
for condition in report.conditions:
    if condition.gap:
        print(f"  condition {condition.code} ({condition.name_en}): {condition.gap}")
for close in report.closest(Tier.ADVANCED, limit=3):
    print(f"  close to advanced: {close.unit.name} ({close.criteria_missing} criteria to go)")
