"""OCOP benchmark: rating and portfolio statistics for 15,000 products (national order of size).

Synthetic products with a fixed seed: evaluation dates across the three rating
editions (1048, 148, 148+1489), part scores in tenths within each edition's
maxima, a few 5-star totals with and without central recognition, commune
codes from ../shared/data/vn/units-2025-01.csv (synthetic codes when that file
is absent) rolled up to their provinces. Prints the figure against the budget
of issue 6 (rating + portfolio statistics <= 100 ms on one core), measured from
product objects, then its parts, and the scalar path for scale.

Run: python benchmarks/bench_ocop.py   (about 5 s)
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import statistics
import time
from fractions import Fraction
from pathlib import Path

from ntm_core.ocop import OcopProduct, OcopTable, portfolio, rate, rate_many
from ntm_core.rules import Rulebook

N = 15_000
SEED = 20220423
ON = dt.date(2025, 6, 30)
BUDGET_MS = 100
UNITS_CSV = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "vn" / "units-2025-01.csv"
)


def communes() -> dict[str, str]:
    """Commune code -> province code."""
    if UNITS_CSV.exists():
        with UNITS_CSV.open(encoding="utf-8") as handle:
            return {r["code"]: r["province_code"] for r in csv.DictReader(handle) if r["code"]}
    return {f"{i:05d}": f"{i % 63:02d}" for i in range(10_000)}


def make_products(rng: random.Random, codes: list[str]) -> list[OcopProduct]:
    book = Rulebook.bundled()
    first = dt.date(2019, 8, 21).toordinal()
    last = ON.toordinal()
    products = []
    for i in range(N):
        day = dt.date.fromordinal(rng.randint(first, last))
        edition = book.in_force("vn.ocop.rating", on=day)
        if edition.ocop is None:
            raise SystemExit(f"{edition.id} has no OCOP score sheet")
        share = rng.uniform(0.45, 0.97)
        parts = {
            p.code: Fraction(
                min(p.max * 10, max(0, round(p.max * 10 * rng.gauss(share, 0.05)))), 10
            )
            for p in edition.ocop.parts
        }
        decided = rng.random() < 0.8
        products.append(
            OcopProduct(
                code=f"SYN-{i:05d}",
                name="Sản phẩm mẫu",
                commune_code=rng.choice(codes),
                group=rng.choice("123456"),
                score_a=parts["A"],
                score_b=parts["B"],
                score_c=parts["C"],
                evaluated_on=day,
                decision_date=day + dt.timedelta(days=rng.randint(5, 40)) if decided else None,
                central_recognition=rng.random() < 0.5 if share > 0.9 else None,
            )
        )
    return products


def best_of(function, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    rng = random.Random(SEED)
    unit_of = communes()
    products = make_products(rng, sorted(unit_of))
    rate_many(products[:10])  # load the rulebook once, outside the timings

    columns_ms = best_of(lambda: OcopTable.from_products(products))
    table = OcopTable.from_products(products)
    rating_ms = best_of(lambda: rate_many(table))
    batch = rate_many(table)
    stats_ms = best_of(lambda: portfolio(batch, on=ON, unit_of=unit_of))
    end_to_end_ms = best_of(lambda: portfolio(rate_many(products), on=ON, unit_of=unit_of))

    sample = products[:1000]
    start = time.perf_counter()
    scalar = [rate(p) for p in sample]
    scalar_ms = (time.perf_counter() - start) * 1000 * N / len(sample)
    if [r.stars for r in scalar] != [int(s) or None for s in batch.stars[: len(sample)]]:
        raise SystemExit("the scalar and batch paths disagree")

    stats = portfolio(batch, on=ON, unit_of=unit_of)
    total = end_to_end_ms
    verdict = "ok" if total <= BUDGET_MS else "OVER BUDGET"
    head = f"OCOP rating + portfolio, 15,000 products: {total:.1f} ms (budget {BUDGET_MS} ms)"
    print(f"{head} {verdict}")
    print("  (from product objects: columns, rating and statistics; best of 7)")
    print(f"  rating (rate_many on columns):      {rating_ms:7.1f} ms")
    print(f"  portfolio statistics ({len(stats.by_unit)} provinces): {stats_ms:7.1f} ms")
    print(f"  products -> columns (once per file): {columns_ms:7.1f} ms")
    print(
        f"  scalar rate() with explanations:     {scalar_ms:7.0f} ms (extrapolated from 1,000; "
        f"{scalar_ms / max(rating_ms, 1e-9):.0f}x the batch rating)"
    )
    print(
        f"  {stats.certified} certified, {stats.valid} valid on {ON}, "
        f"{stats.five_star_candidates} five-star candidates; median total "
        f"{statistics.median(float(batch.total(i)) for i in range(0, N, 15)):.1f}"
    )


if __name__ == "__main__":
    main()
