"""Rate the bundled (SYNTHETIC) Hà Tĩnh OCOP portfolio and compare it with the 2022 targets.

Run: python examples/ocop_portfolio.py
"""

import datetime as dt

from ntm_core.datasets import HA_TINH_OCOP_TARGETS, ocop_sample_district_of, ocop_sample_products
from ntm_core.ocop import OcopTargets, portfolio, progress, rate, rate_many, reevaluation_due

ON = dt.date(2022, 12, 31)

products = ocop_sample_products()
batch = rate_many(products)
stats = portfolio(batch, on=ON, unit_of=ocop_sample_district_of())

print("Bundled Hà Tĩnh sample — SYNTHETIC data on real commune codes")
for line in stats.lines():
    print(line)
for line in progress(stats, OcopTargets.from_toml(HA_TINH_OCOP_TARGETS, year=2022)).lines():
    print(line)

candidate = next(p for i, p in enumerate(products) if batch.five_star_candidate[i])
print()
print(rate(candidate).explain())

later = dt.date(2023, 6, 30)
due = sum(reevaluation_due(rate(p), on=later, within_months=6) for p in products)
print(f"\nCertificates expired or expiring within 6 months on {later}: {due}")
