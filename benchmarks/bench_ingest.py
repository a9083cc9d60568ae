"""Time reading a synthetic wide CSV of 10,000 units × every commune-standard indicator.

Run: ``python benchmarks/bench_ingest.py``. Uses the real unit codes of
``../shared/data/vn/units-2025-01.csv`` when present (synthetic codes otherwise),
a fixed seed, and values as people type them (decimals, ``85%``, counts such
as ``850/1000``, ``Đạt``/``Không đạt``, empty cells). Then a pandas DataFrame
of 1,000,000 communes (``--n`` scales it down, and says so) read column-wise
and decided, against the float64 floor of ``bench_engine.py`` on the same arrays.
And ``observations_from_records`` of 100,000 records (``--records``) as a
program makes them, against the floor of the same lists put into numpy.
"""

from __future__ import annotations

import csv
import random
import statistics
import tempfile
import time
from pathlib import Path

from ntm_core.engine import IndicatorCatalog
from ntm_core.io import read_observations
from ntm_core.rules import IndicatorKind, Rulebook

ROWS = 10_000
BUDGET_MS = 1000
UNITS = Path(__file__).resolve().parents[2] / "shared" / "data" / "vn" / "units-2025-01.csv"


def unit_codes(n: int) -> list[str]:
    """``n`` real commune-level codes if the shared data is there, else synthetic ones."""
    codes: list[str] = []
    if UNITS.exists():
        with UNITS.open(encoding="utf-8", newline="") as f:
            codes = [row["code"] for row in csv.DictReader(f) if row["code"]]
    codes = list(dict.fromkeys(codes))[:n]
    codes += [f"{90000 + i:05d}" for i in range(n - len(codes))]
    return codes


def ratio_cell(rng: random.Random) -> str:
    """A share as people type it: 85.37 (80%), 85.5% (10%) or counts 850/1000 (10%)."""
    roll = rng.random()
    if roll < 0.1:
        den = rng.randint(1, 5000)
        return f"{rng.randint(0, den)}/{den}"
    if roll < 0.2:
        return f"{rng.randint(0, 1000) / 10:.1f}%"
    return f"{rng.randint(0, 10000) / 100:.2f}"


def cell(rng: random.Random, kind: IndicatorKind, key: str) -> str:
    if rng.random() < 0.02:
        return ""  # not observed
    if kind is IndicatorKind.BOOLEAN:
        return rng.choice(("Đạt", "Không đạt", "1", "0", "x", "có"))
    if kind is IndicatorKind.RATIO:
        return ratio_cell(rng)
    if key == "income_per_capita":
        return f"{rng.randint(20_000_000, 90_000_000)}"  # đồng, per the header unit
    return f"{rng.randint(0, 100000) / 100:.2f}"


def write_csv(path: Path, catalog_edition_keys: list[tuple[str, IndicatorKind]]) -> None:
    rng = random.Random(20250101)
    header = ["unit_code", "period", "name"]
    for key, _ in catalog_edition_keys:
        header.append(f"{key} [đồng/người/năm]" if key == "income_per_capita" else key)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for code in unit_codes(ROWS):
            row = [code, "2024", f"Xã {code}"]
            row += [cell(rng, kind, key) for key, kind in catalog_edition_keys]
            writer.writerow(row)


def time_ingest() -> float:
    """Median milliseconds to read the synthetic wide CSV (5 runs after a warm-up)."""
    edition = Rulebook.bundled().get("vn.commune.standard@2021-2025")
    catalog = IndicatorCatalog.from_editions([edition])
    keys = [(i.key, i.kind) for _, i in edition.indicators() if i.aggregate is None]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wide.csv"
        write_csv(path, keys)
        read_observations(path, catalog=catalog)  # warm up: pint import, unit parsing
        times = []
        for _ in range(5):
            start = time.perf_counter()
            observations = read_observations(path, catalog=catalog)
            times.append(time.perf_counter() - start)
        if len(observations) != ROWS:
            raise SystemExit(f"read {len(observations)} rows, expected {ROWS}")
    return statistics.median(times) * 1000


def make_records(n: int, indicators: list[tuple[str, IndicatorKind]]) -> list[dict[str, object]]:
    """``n`` records as a program makes them: text codes, int periods, floats, ints, bools, None."""
    rng = random.Random(20250102)
    records: list[dict[str, object]] = []
    for row in range(n):
        record: dict[str, object] = {"unit_code": f"X{row}", "period": 2024, "region": "BTB"}
        for key, kind in indicators:
            value: object
            if rng.random() < 0.02:
                value = None  # not observed
            elif kind is IndicatorKind.BOOLEAN:
                value = rng.random() < 0.9
            elif kind is IndicatorKind.RATIO:
                value = rng.randint(0, 1000) / 10  # 85.5 (percent)
            elif key == "income_per_capita":
                value = rng.randint(40_000_000, 80_000_000) / 1e6  # million đồng
            else:
                value = rng.randint(0, 10_000)
            record[key] = value
        records.append(record)
    return records


def time_records(n: int) -> None:
    """``observations_from_records`` of ``n`` records against the floor: the same lists to numpy.

    The floor transposes the records key by key and makes one float64 array
    per indicator (``np.array`` of the list), in the same run. Prints
    ``records N rows: X ms (Y us per row; budget 10); floor F ms; ratio R``.
    """
    import numpy as np

    from ntm_core.io import observations_from_records

    edition = Rulebook.bundled().get("vn.commune.standard@2021-2025")
    catalog = IndicatorCatalog.from_editions([edition])
    indicators = [(i.key, i.kind) for _, i in edition.indicators() if i.aggregate is None]
    records = make_records(n, indicators)
    observations = observations_from_records(records, catalog=catalog)
    if len(observations) != n or len(observations.columns) != len(indicators):
        raise SystemExit(f"read {len(observations)} rows, expected {n}")

    def floor() -> object:
        return [
            np.array([record[key] for record in records], dtype=np.float64) for key, _ in indicators
        ]

    times, floors = [], []
    for _ in range(3):
        start = time.perf_counter()
        observations_from_records(records, catalog=catalog)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor()
        floors.append(time.perf_counter() - start)
    best, best_floor = min(times), min(floors)
    print(
        f"records {n} rows x {len(indicators)} indicators: {best * 1000:.0f} ms "
        f"({best / n * 1e6:.1f} us per row; budget 10); floor (transpose + np.array) "
        f"{best_floor * 1000:.0f} ms; ratio {best / best_floor:.1f}"
    )


def main(records: int = 100_000) -> None:
    ms = time_ingest()
    print(f"ingest wide CSV {ROWS:,} rows: {ms:.0f} ms (budget {BUDGET_MS} ms)")
    time_records(records)


# ---------------------------------------------------------------- DataFrame to decision (issue 10)


def dataframe_to_decision(n: int) -> None:
    """Time ``observations_from_frame`` + ``evaluate_batch`` against the float64 floor.

    The frame holds the very arrays ``bench_engine`` decides: float64 columns
    with NaN for blanks (ratios with one decimal, amounts with six), nullable
    booleans for yes/no, integer unit codes and periods. The regions are the
    engine benchmark's selection groups (not a frame column), so the floor and
    the engine decide the same thing. Prints
    ``dataframe to decision N communes: X ms; ratio to floor R`` (budget 2).
    """
    import numpy as np
    import pandas as pd
    from bench_engine import data, floor, floor_inputs, require, rules, timed

    from ntm_core.engine import evaluate_batch
    from ntm_core.io import observations_from_frame

    _, ladder = rules()
    _, groups, raw = data(ladder, n)
    catalog = ladder.catalog()
    columns: dict[str, object] = {
        "unit_code": np.arange(n, dtype=np.int64),
        "period": np.full(n, 2023, dtype=np.int64),
    }
    for key, (values, scale, present) in raw.items():
        if catalog.indicators[key].kind is IndicatorKind.BOOLEAN:
            columns[key] = pd.arrays.BooleanArray(np.asarray(values, dtype=bool), ~present)
        else:
            column = values / scale
            column[~present] = np.nan
            columns[key] = column
    frame = pd.DataFrame(columns)

    def run() -> object:
        observations = observations_from_frame(frame, catalog=catalog)
        return evaluate_batch(ladder, observations, groups)

    result = run()
    decided = len(result.tier_index)  # type: ignore[attr-defined]
    known = int((result.tier_index != -2).sum())  # type: ignore[attr-defined]
    require(decided == n, f"{decided} units decided of {n}")
    require(known > 0, "no known outcome: the benchmark would measure nothing")
    plan = floor_inputs(ladder, groups, raw)
    observations = observations_from_frame(frame, catalog=catalog)
    float_columns = sum(c.float64 is not None for c in observations.columns.values())
    require(float_columns > 0, "no column kept as floats: the frame path was not measured")
    ingest_s = timed(lambda: observations_from_frame(frame, catalog=catalog), 5)
    decide_s = timed(lambda: evaluate_batch(ladder, observations, groups), 5)
    total_s = timed(run, 5)
    floor_s = timed(lambda: floor(plan, groups.index, n), 5)
    print(
        f"  {decided:,} units decided, {known:,} with a known tier; "
        f"ingest alone {ingest_s * 1000:.0f} ms ({float_columns} float columns kept as read), "
        f"decision alone {decide_s * 1000:.0f} ms"
    )
    print(
        f"dataframe to decision {n} communes: {total_s * 1000:.0f} ms; "
        f"ratio to floor {total_s / floor_s:.2f} (float64 floor {floor_s * 1000:.0f} ms; budget 2)"
    )


def main_all() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=1_000_000, help="communes in the frame (1,000,000)"
    )
    parser.add_argument("--records", type=int, default=100_000, help="records (100,000)")
    args = parser.parse_args()
    if args.n != 1_000_000:
        print(f"NOTE: N scaled down to {args.n:,} by --n (the budget is for 1,000,000)")
    if args.records != 100_000:
        print(f"NOTE: records scaled to {args.records:,} by --records (the budget is for 100,000)")
    main(args.records)
    dataframe_to_decision(args.n)


if __name__ == "__main__":
    main_all()
