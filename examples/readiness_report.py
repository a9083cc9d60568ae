"""Hà Tĩnh's readiness for its 2025 target, from Python, on the bundled sample.

The sample has real unit codes and names but SYNTHETIC indicator values, and
an ILLUSTRATIVE threshold sheet for the thresholds the national rules do not
know yet; the report says so. Run: python examples/readiness_report.py
"""

import ntm_core as ntm
from ntm_core import Tier

sample = ntm.sample()
report = ntm.readiness(sample, on="2024-12-31", target=2025)

if report.labels.synthetic:
    print("Values: SYNTHETIC (the bundled sample); thresholds partly ILLUSTRATIVE")
print(
    f"{report.province.name}: {sum(c.outcome.value == 'met' for c in report.conditions)} of "
    f"{len(report.conditions)} province conditions met (Decision 321/QĐ-TTg)"
)
for condition in report.conditions:
    if condition.gap:
        print(f"  condition {condition.code} ({condition.name_en}): {condition.gap}")
for close in report.closest(Tier.ADVANCED, limit=3):
    print(f"  close to advanced: {close.unit.name} ({close.criteria_missing} criteria to go)")
