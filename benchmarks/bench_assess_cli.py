"""``ntm assess`` of a 200,000-row wide CSV, in process: seconds and peak memory, beside an I/O floor.

A SYNTHETIC wide CSV (fixed seed) of 200,000 communes x every indicator of
the 2021-2025 commune ladder is written to a temporary folder: decimals with
a point, yes/no as ``Đạt``/``Không đạt``, income in đồng under a unit header,
2% of cells empty, a region per row. The bundled rules get the illustrative
threshold sheet of ``bench_engine.py`` so every comparison is really made.

It then times, in a fresh process each (so the peak resident size is the
command's own), the CLI's own function ``ntm_core.cli.main`` for
``ntm assess DATA --format csv`` and ``--format json`` writing to a file, and
prints where the time goes: reading the CSV, deciding, writing (timed around
``write_csv``/``write_json``, which also derive the outcome codes and counts
they print) and the rest (argument parsing, opening the output). The floor,
measured in the same run on the same file: pyarrow's multi-threaded CSV
reader reading it, the float64 decision of ``bench_engine.py``'s floor, and
pyarrow writing a CSV of the same shape as the command's. The benchmark
asserts it measured real work: every unit written, known tiers > 0.

Budget (issue 10): 3 s and 400 MB for the CSV output. The file (over 1 MiB)
is read by pyarrow's CSV reader column-wise, every cell as text, each
distinct text parsed once (``ntm_core._core.tables.arrow_csv_table``); the
split printed says where the time goes. On a shared 2-core machine the
wall-clock times depend on the load: compare the ratio to the floor.

Run: python benchmarks/bench_assess_cli.py
     python benchmarks/bench_assess_cli.py --n 20000  (smaller, says so)
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import ON, REGIONS, SEED, illustrative_sheet, rules

from ntm_core import RuleLevel
from ntm_core.engine import BatchResult, Ladder, Observations
from ntm_core.rules import Comparator, IndicatorKind, Rulebook, Selection

INCOME_HEADER = "income_per_capita [đồng/người/năm]"


def write_data(path: Path, n: int) -> list[str]:
    """The synthetic wide CSV (written by pyarrow: fast); returns the indicator keys."""
    _, ladder = rules()
    rng = np.random.default_rng(SEED)
    codes = np.char.add("X", np.arange(n).astype("U7"))
    columns: dict[str, pa.Array] = {
        "unit_code": pa.array(codes),
        "period": pa.array(np.full(n, ON.year)),
        "name": pa.array(np.char.add("Xã ", codes)),
        "region": pa.array(
            np.asarray([r.value for r in REGIONS])[rng.integers(0, len(REGIONS), n)]
        ),
    }
    keys = []
    for key, indicator in ladder.catalog().indicators.items():
        absent = rng.random(n) < 0.02
        if indicator.kind is IndicatorKind.BOOLEAN:
            text = np.where(rng.random(n) < 0.97, "Đạt", "Không đạt")
        elif indicator.kind is IndicatorKind.RATIO:
            text = (rng.integers(550, 1001, n) / 10).astype("U8")  # 55.0 .. 100.0 (%)
        elif key == "income_per_capita":
            text = rng.integers(40_000_000, 80_000_000, n).astype("U12")  # đồng
        else:
            text = (rng.integers(4000, 8000, n) / 100).astype("U8")  # 40.00 .. 80.00
        columns[INCOME_HEADER if key == "income_per_capita" else key] = pa.array(
            np.where(absent, "", text)
        )
        keys.append(key)
    pacsv.write_csv(pa.table(columns), path, pacsv.WriteOptions(quoting_style="none"))
    return keys


def floor(path: Path, sheet: Path, out: Path) -> float:
    """Seconds for the floor: pyarrow reads the file, floats decide, pyarrow writes the result."""
    book = Rulebook.bundled().with_thresholds(sheet)
    ladder = Ladder.for_level(book, level=RuleLevel.COMMUNE, on=ON)
    ops = {
        Comparator.GE: np.greater_equal,
        Comparator.GT: np.greater,
        Comparator.LE: np.less_equal,
        Comparator.LT: np.less,
        Comparator.EQ: np.equal,
    }
    selections = [Selection(region=r, year=ON.year) for r in REGIONS]
    values = sorted(r.value for r in REGIONS)
    position = np.asarray([values.index(r.value) for r in REGIONS])
    start = time.perf_counter()
    table = pacsv.read_csv(path)
    n = table.num_rows
    # the row's position in REGIONS
    region = np.argsort(position)[
        np.searchsorted(values, table["region"].to_numpy(zero_copy_only=False))
    ]
    still = np.ones(n, dtype=bool)
    tier = np.zeros(n, dtype=np.int64)
    for edition in ladder.rungs:
        ok = np.ones(n, dtype=bool)
        for indicator in ladder.indicators(edition):
            name = INCOME_HEADER if indicator.key == "income_per_capita" else indicator.key
            column = table[name]
            if indicator.kind is IndicatorKind.BOOLEAN:
                met = pc.fill_null(pc.equal(column, "Đạt"), fill_value=False)
                values = met.to_numpy(zero_copy_only=False).astype(np.float64)
            else:
                values = column.to_numpy(zero_copy_only=False).astype(np.float64)
            if indicator.key == "income_per_capita":
                values /= 1e6
            ts = [ladder.thresholds(edition, s)[indicator.key] for s in selections]
            if any(t is None for t in ts):
                continue
            bound = np.asarray([float(t.value) for t in ts])[region]  # type: ignore[union-attr]
            ok &= ops[indicator.comparator](values, bound)
        still &= ok
        tier += still
    names = np.asarray(["not_yet", "standard", "advanced", "model"])[tier]
    result = {"unit": table["unit_code"], "tier": pa.array(names)}
    for j in range(21):  # as many outcome columns as the command writes
        result[f"c{j}"] = pa.array(names)
    pacsv.write_csv(pa.table(result), out)
    return time.perf_counter() - start


def peak_mb() -> float:
    """This process's peak resident size in MB.

    ``VmHWM`` where Linux has it: ``ru_maxrss`` survives ``exec`` on Linux,
    so a child started by a big parent would report the parent's peak.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(data: str, sheet: str, fmt: str, out: str) -> None:
    """In a fresh process: run the CLI's function, print seconds, peak MB, baseline MB, phases."""
    import ntm_core.cli._assess as assess_module

    # imports and the pint registry: paid once per process, before the clock
    import ntm_core.io
    import ntm_core.units
    from ntm_core.cli import main
    from ntm_core.engine import assess as engine_assess

    phases: dict[str, float] = {}
    load, decide = assess_module._load_inputs, engine_assess

    def timed_load(args: argparse.Namespace) -> tuple[Rulebook, Observations]:
        start = time.perf_counter()
        try:
            return load(args)
        finally:
            phases["read"] = time.perf_counter() - start

    def timed_assess(observations: Observations, **kwargs: object) -> BatchResult:
        start = time.perf_counter()
        try:
            return decide(observations, **kwargs)  # type: ignore[arg-type]
        finally:
            phases["decide"] = time.perf_counter() - start

    def timed_writer(name: str) -> object:
        write = getattr(BatchResult, name)

        def timed(result: BatchResult, stream: object) -> None:
            start = time.perf_counter()
            try:
                write(result, stream)
            finally:
                phases["write"] = time.perf_counter() - start

        return timed

    assess_module._load_inputs = timed_load
    import ntm_core.engine

    ntm_core.engine.assess = timed_assess
    # the writers do the lazy work (outcome codes, counts) as well: timed as writing
    BatchResult.write_csv = timed_writer("write_csv")  # type: ignore[method-assign]
    BatchResult.write_json = timed_writer("write_json")  # type: ignore[method-assign]
    baseline = peak_mb()
    gc.collect()
    start = time.perf_counter()
    with open(out, "w", encoding="utf-8", newline="") as handle:  # noqa: PTH123
        code = main(["assess", data, "--on", ON.isoformat(), "--thresholds", sheet,
                     "--format", fmt], out=handle)  # fmt: skip
    seconds = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"ntm assess exited {code}")
    peak = peak_mb()
    print(json.dumps({"seconds": seconds, "peak": peak, "baseline": baseline, **phases}))


def run_child(data: Path, sheet: Path, fmt: str, out: Path) -> dict[str, float]:
    result = subprocess.run(  # noqa: S603 - this very script, by its own path
        [sys.executable, __file__, "--child", str(data), str(sheet), fmt, str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def check_output(out: Path, fmt: str, n: int) -> int:
    """Units written and how many have a known tier (the benchmark measured real work)."""
    if fmt == "csv":
        with out.open(encoding="utf-8", newline="") as handle:
            tiers = [row["tier"] for row in csv.DictReader(handle)]
    else:
        with out.open(encoding="utf-8") as handle:
            tiers = [unit["tier"] for unit in json.load(handle)]
    if len(tiers) != n:
        raise SystemExit(f"benchmark invalid: {len(tiers)} units written of {n}")
    known = sum(t != "unknown" for t in tiers)
    if not known:
        raise SystemExit("benchmark invalid: no known tier")
    return known


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="rows (default 200,000)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each format; best kept")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if args.n != 200_000:
        print(f"NOTE: N scaled down to {args.n:,} by --n (the budgets are for 200,000)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "wide.csv"
        keys = write_data(data, args.n)
        sheet = illustrative_sheet(Rulebook.bundled(), folder)
        size = data.stat().st_size / 2**20
        print(f"{args.n:,} communes x {len(keys)} indicators, {size:.0f} MB of CSV")
        floor_s = min(floor(data, sheet, folder / "floor.csv") for _ in range(args.repeat))
        for fmt in ("csv", "json"):
            out = folder / f"out.{fmt}"
            runs = [run_child(data, sheet, fmt, out) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            known = check_output(out, fmt, args.n)
            peak = max(r["peak"] for r in runs)
            phases = ("read", "decide", "write")
            other = best["seconds"] - sum(best[p] for p in phases)
            budget = " (budget 3 s, 400 MB)" if fmt == "csv" else ""
            print(
                f"ntm assess {args.n} rows --format {fmt}: {best['seconds']:.2f} s, "
                f"peak {peak:.0f} MB ({best['baseline']:.0f} MB before the command){budget}; "
                f"read {best['read']:.2f} s, decide {best['decide']:.2f} s, "
                f"write {best['write']:.2f} s, other {other:.2f} s; {known:,} known tiers; "
                f"floor {floor_s:.2f} s; ratio {best['seconds'] / floor_s:.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
