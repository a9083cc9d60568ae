"""Readiness benchmark on the national 2025-01-01 state (issue 5).

10,040 rows of ../shared/data/vn/units-2025-01.csv (real codes; skipped when
absent), SYNTHETIC commune observations with a fixed seed written to a wide
CSV, regions assigned to provinces at random (synthetic), and the bundled
rules with the Hà Tĩnh sample's illustrative threshold sheet. Prints:

- the number of communes whose tier is known (the data is for period 2024, the
  last one that ended by the report's date 2025-03-01: a report counts no later
  data, so period 2025 data would be refused);
- deciding the communes against a float64 numpy floor on the same arrays (the
  floor of benchmarks/bench_engine.py), with their ratio;
- the whole pipeline, wide CSV → all 63 provincial readiness reports (budget 2 s).

Run: python benchmarks/bench_readiness.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ntm_core import AdminLevel, Region, RuleLevel, Tier
from ntm_core.admin import AdminSnapshot, load_units_csv
from ntm_core.datasets import HA_TINH_DIR
from ntm_core.engine import IndicatorCatalog, Ladder, assess, group_selections, selections
from ntm_core.io import read_observations
from ntm_core.readiness import ProvincesReadiness, assess_provinces
from ntm_core.rules import IndicatorKind, Rulebook

ON = dt.date(2024, 12, 31)
SEED = 2025
PERIOD = 2024  # the last period that ended by ``on`` (a report counts no later data)
# ../shared beside the checkout, wherever the checkout sits (a worktree may sit deeper).
UNITS_CSV = next(
    (
        p / "shared" / "data" / "vn" / "units-2025-01.csv"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "data" / "vn" / "units-2025-01.csv").exists()
    ),
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "vn" / "units-2025-01.csv",
)


def main() -> None:
    if not UNITS_CSV.exists():
        print(f"skipped: {UNITS_CSV} not found")
        return
    rng = random.Random(SEED)
    units = list(
        load_units_csv(UNITS_CSV, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 7, 1))
    )
    provinces = sorted({u.code for u in units if u.level is AdminLevel.PROVINCE})
    region = {p: rng.choice(list(Region)).value for p in provinces}
    book = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
    on = dt.date(2025, 3, 1)
    ladder = Ladder.for_level(book, level=RuleLevel.COMMUNE, on=on)
    catalog = IndicatorCatalog.from_editions(ladder.rungs)
    keys = [(k, i.kind) for k, i in catalog.indicators.items() if i.aggregate is None]
    parent = {u.code: u.parent_code for u in units}
    communes = [u for u in units if u.level is AdminLevel.COMMUNE]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["unit_code", "period", "region", *(k for k, _ in keys)])
            for unit in communes:
                province = parent.get(parent.get(unit.code) or "") or ""
                row = [unit.code, str(PERIOD), region.get(province, "BTB")]
                for _, kind in keys:
                    if kind is IndicatorKind.BOOLEAN:
                        row.append("Đạt" if rng.random() < 0.95 else "Không đạt")
                    else:
                        row.append(f"{rng.uniform(40, 100):.1f}")
                writer.writerow(row)
        start = time.perf_counter()
        observations = read_observations(path, catalog=catalog)
        snapshot = AdminSnapshot(on=on, units=units)
        reports = assess_provinces(observations, tree=snapshot, on=on, rulebook=book)
        total = time.perf_counter() - start
    print(f"{len(communes):,} communes in {len(provinces)} provinces")
    batch = assess(observations, on=on, rulebook=book)
    known = int((batch.tier_index != -2).sum())
    require(len(batch) == len(communes), f"{len(batch)} communes decided of {len(communes)}")
    require(known > 0, "no known tier: the benchmark would measure nothing")
    print(f"communes decided: {len(batch):,}; known tiers decided: {known:,}")
    groups = group_selections(selections(batch.observations))
    raw = {
        k: (c.scaled, c.scale, c.present)
        for k, c in batch.observations.columns.items()
        if c.scaled is not None
    }
    plan = floor_inputs(ladder, groups, raw)
    engine_s = timed(lambda: evaluate_batch(ladder, batch.observations, groups), repeat=10)
    floor_s = timed(lambda: floor(plan, groups.index, len(batch)), repeat=10)
    rollup_ms = min(_rollup_seconds(snapshot, reports) for _ in range(5)) * 1000
    print(
        f"decide {len(batch)} communes: {engine_s * 1000:.1f} ms; "
        f"float64 floor {floor_s * 1000:.1f} ms; ratio {engine_s / floor_s:.2f}"
    )
    print(
        f"roll-up of precomputed assessments to districts and provinces: {rollup_ms:.1f} ms (budget 20 ms)"
    )
    print(
        f"whole pipeline, wide CSV to {len(reports.reports)} provincial reports: {total:.2f} s (budget 2 s)"
    )


def _rollup_seconds(snapshot: AdminSnapshot, reports: ProvincesReadiness) -> float:
    """Time the roll-up alone: every commune's tier counted into its district and province.

    The commune assessments are precomputed (taken from the reports); the roll-up
    is the snapshot's ancestor indexes and one ``np.bincount`` per tier and level.
    """
    rows, tiers = [], []
    for report in reports.reports.values():
        communes = report.communes
        rows.append(snapshot.index_of(communes.codes))
        tiers.append(communes.at_least(Tier.STANDARD))
    row = np.concatenate(rows)
    standard = np.concatenate(tiers)
    start = time.perf_counter()
    for level in (AdminLevel.of_rank(1), AdminLevel.PROVINCE):
        parent = snapshot.ancestor_index(level=level)[row]
        keep = parent >= 0
        counted = np.bincount(parent[keep], weights=standard[keep], minlength=len(snapshot))
        children = np.bincount(parent[keep], minlength=len(snapshot))
    spent = time.perf_counter() - start
    # it measured real work: every commune was counted at the province level
    if int(children.sum()) != len(row) or int(counted.sum()) != int(standard.sum()):
        raise SystemExit("the roll-up lost communes: the timing measured nothing real")
    return spent


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_engine import floor, floor_inputs, require, timed

    from ntm_core.engine import evaluate_batch

    main()
