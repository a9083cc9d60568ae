"""Engine benchmark: decide every commune's tier, against a float64 numpy floor on the same data.

The 2021-2025 commune ladder (standard, advanced, model) of the bundled rules,
with an illustrative threshold sheet filling every threshold the bundled
rules do not know yet (so every comparison is really made). SYNTHETIC
observations with a fixed seed: 2% of values missing, regions at random.

For N = 10,000 and N = 1,000,000 (issue 10) it times, in the same run and on
the same arrays:

- the engine: ``evaluate_batch`` (exact: scaled integers, UNKNOWN tracked);
- the floor: the least a float64 numpy implementation must do to decide the
  tier: per indicator one comparison of a float64 column (NaN where missing)
  with the threshold of each row's region, AND-ed per rung, tiers counted;

and prints their ratio (budget: 1.5 at 1M, 3 at 10,000). It asserts that real
work was measured: every unit decided, known outcomes > 0, and the floor's
tier equal to the engine's wherever the engine's is known and no value is
missing. Then the scalar explaining path per unit (budget 0.3 ms) beside a
plain-Python floor of the same comparisons, and the
peak memory of building the 1M x 58 input and deciding it, measured in a
fresh process (budget 600 MB).

Timings are the best of several runs with the garbage collector paused, as
``timeit`` does. The last line reads
``decide 1000000 communes: X ms; float64 floor Y ms; ratio R``.

Run: python benchmarks/bench_engine.py            (about 40 s on 2 cores)
     python benchmarks/bench_engine.py --n 100000 (smaller, says so)
     python benchmarks/bench_engine.py --scalar   (the scalar path only, a few seconds)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import operator
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ntm_core import Region, RuleLevel
from ntm_core.engine import (
    Column,
    Ladder,
    Observations,
    SelectionGroups,
    evaluate_batch,
    explain_row,
)
from ntm_core.rules import (
    Check,
    Comparator,
    IndicatorKind,
    Not,
    Rulebook,
    RuleSet,
    Selection,
    When,
    template_rows,
)

ON = dt.date(2023, 12, 31)
SEED = 20231231
REGIONS = list(Region)
SCALE = {IndicatorKind.RATIO: 10, IndicatorKind.NUMERIC: 10**6, IndicatorKind.BOOLEAN: 1}


def illustrative_sheet(book: Rulebook, folder: Path) -> Path:
    """Fill every unknown threshold of the ladder with an illustrative value."""
    ladder = Ladder.for_level(book, level=RuleLevel.COMMUNE, on=ON)
    path = folder / "illustrative.csv"
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = None
        for edition in ladder.rungs:
            for row in template_rows(edition):
                if row["value"] or row["region"]:
                    continue
                kind = edition.indicator(row["indicator"]).kind
                row["value"] = (
                    "true" if kind is IndicatorKind.BOOLEAN else str(rng.choice([50, 60, 70]))
                )
                if row["indicator"] == "income_per_capita":
                    row["value"] = "45"
                row.update(citation_number="illustrative (benchmark)", provenance="illustrative")
                if writer is None:
                    writer = csv.DictWriter(handle, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
    return path


def rules() -> tuple[Rulebook, Ladder]:
    with tempfile.TemporaryDirectory() as tmp:
        book = Rulebook.bundled().with_thresholds(illustrative_sheet(Rulebook.bundled(), Path(tmp)))
    return book, Ladder.for_level(book, level=RuleLevel.COMMUNE, on=ON)


def data(
    ladder: Ladder, n: int, *, keep_raw: bool = True
) -> tuple[Observations, SelectionGroups, dict[str, Any]]:
    """Observations built column-wise (``Column.from_scaled``) and the raw integer arrays.

    Without ``keep_raw`` the raw arrays are dropped column by column, so a
    memory measurement sees the engine's own storage, not the generator's.
    """
    rng = np.random.default_rng(SEED)
    raw: dict[str, Any] = {}
    columns = {}
    # Six units in ten are "strong": each of their values is the best one but
    # for a 1% chance of an ordinary draw, so every tier of the ladder occurs
    # (with ordinary draws alone no unit would meet ~80 thresholds at once).
    strong = rng.random(n) < 0.6
    for key, indicator in ladder.catalog().indicators.items():
        present = rng.random(n) >= 0.02
        best = strong & (rng.random(n) >= 0.01)
        low = indicator.comparator in (Comparator.LE, Comparator.LT)  # a rate to keep down
        if indicator.kind is IndicatorKind.BOOLEAN:
            values = (rng.random(n) < 0.97) | best
        elif indicator.kind is IndicatorKind.RATIO:  # 55.0 .. 100.0 %
            values = np.where(best, 0 if low else 1000, rng.integers(550, 1001, n))
        else:  # 40 .. 80 (million VND)
            top = 0 if low else 80_000_000
            values = np.where(best, top, rng.integers(40_000_000, 80_000_000, n))
        del best
        scale = SCALE[indicator.kind]
        columns[key] = Column.from_scaled(key, indicator.kind, values, scale=scale, present=present)
        if keep_raw:
            raw[key] = (values, scale, present)
        del values, present
    index = rng.integers(0, len(REGIONS), n)
    groups = SelectionGroups(
        selections=[Selection(region=r, year=ON.year) for r in REGIONS], index=index
    )
    codes = [str(i) for i in range(n)]
    return Observations(codes=codes, periods=[ON.year] * n, columns=columns), groups, raw


def _gates(edition: RuleSet) -> dict[str, str]:
    """``then``-indicator → gate indicator of every ``when`` node whose ``then`` is one check."""
    gates: dict[str, str] = {}

    def walk(node: object) -> None:
        if isinstance(node, When):
            if isinstance(node.then, Check):
                gates[node.then.key] = node.applies
            walk(node.then)
        for child in getattr(node, "children", ()):
            walk(child)
        if isinstance(node, Not):
            walk(node.child)

    for criterion in edition.criteria:
        walk(criterion.condition)
    return gates


def floor_inputs(ladder: Ladder, groups: SelectionGroups, raw: dict[str, Any]) -> list[Any]:
    """Per rung, per indicator: (float64 column with NaN, comparator, per-region float thresholds, gate).

    A check under ``when`` (318's 13.4: a craft plan only where there is a
    traditional craft) is met where its gate is not true: the gate column, or
    ``None``. The gate indicator itself is no check.
    """
    floats = {}
    for key, (values, scale, present) in raw.items():
        column = values.astype(np.float64) / scale
        column[~present] = np.nan
        floats[key] = column
    plan = []
    for edition in ladder.rungs:
        gates = _gates(edition)
        leaves = []
        for indicator in ladder.indicators(edition):
            if indicator.key in gates.values():
                continue
            ts = [ladder.thresholds(edition, s)[indicator.key] for s in groups.selections]
            if any(t is None for t in ts):
                continue
            values = [float(t.value) for t in ts]  # type: ignore[union-attr]
            gate = gates.get(indicator.key)
            leaves.append(
                (
                    floats[indicator.key],
                    indicator.comparator,
                    np.asarray(values),
                    None if gate is None else floats[gate] != 1,
                )
            )
        plan.append(leaves)
    return plan


_CMP = {
    Comparator.GE: np.greater_equal,
    Comparator.GT: np.greater,
    Comparator.LE: np.less_equal,
    Comparator.LT: np.less,
    Comparator.EQ: np.equal,
}


def floor(plan: list[Any], index: np.ndarray, n: int) -> np.ndarray:
    """The float64 floor: per indicator one comparison, AND per rung, count the rungs met."""
    still = np.ones(n, dtype=bool)
    tier = np.zeros(n, dtype=np.int64)
    for leaves in plan:
        ok = np.ones(n, dtype=bool)
        for column, comparator, thresholds, ungated in leaves:
            bound = thresholds[0] if (thresholds == thresholds[0]).all() else thresholds[index]
            met = _CMP[comparator](column, bound)
            ok &= met if ungated is None else met | ungated
        still &= ok
        tier += still
    return tier


def require(condition: object, message: str) -> None:
    """Stop the benchmark when it would measure nothing (``assert`` vanishes under ``-O``)."""
    if not condition:
        raise SystemExit(f"benchmark invalid: {message}")


def timed(
    function: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Best of ``repeat`` runs with the garbage collector paused, as ``timeit`` does."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = clock()
            function()
            times.append(clock() - start)
        finally:
            gc.enable()
    return min(times)


def decide(ladder: Ladder, n: int, repeat: int) -> tuple[float, float]:
    obs, groups, raw = data(ladder, n)
    result = evaluate_batch(ladder, obs, groups)
    decided = len(result.tier_index)
    known = int((result.tier_index != -2).sum())
    require(decided == n, f"{decided} units decided of {n}")
    require(known > 0, "no known outcome: the benchmark would measure nothing")
    plan = floor_inputs(ladder, groups, raw)
    floor_tier = floor(plan, groups.index, n)
    complete = np.logical_and.reduce([p for _, _, p in raw.values()])
    engine_tier = result.tier_index + 1
    same = (engine_tier == floor_tier)[complete & (result.tier_index != -2)]
    require(same.all(), "the floor and the engine disagree on complete rows")
    counts = np.bincount(engine_tier[result.tier_index != -2], minlength=len(ladder.rungs) + 1)
    print(
        f"  {n:,} units decided, {known:,} with a known tier "
        f"(not yet / standard / advanced / model: {' / '.join(f'{c:,}' for c in counts)})"
    )
    del result
    engine_s = timed(lambda: evaluate_batch(ladder, obs, groups), repeat)
    floor_s = timed(lambda: floor(plan, groups.index, n), repeat)
    return engine_s * 1000, floor_s * 1000


def scalar_floor_inputs(
    ladder: Ladder, groups: SelectionGroups, raw: dict[str, Any], rows: range
) -> list[list[list[tuple[Any, Callable[[Any, Any], bool], Any]]]]:
    """Per row, per rung: (value, comparison, threshold) as plain Python numbers, prepared untimed."""
    out = []
    for row in rows:
        selection = groups.selections[groups.index[row]]
        rungs = []
        for edition in ladder.rungs:
            checks = []
            for indicator in ladder.indicators(edition):
                threshold = ladder.thresholds(edition, selection)[indicator.key]
                if threshold is None:
                    continue
                values, scale, present = raw[indicator.key]
                value = None
                if present[row]:
                    value = bool(values[row]) if scale == 1 else int(values[row]) / scale
                bound = threshold.value
                bound = bound if isinstance(bound, bool) else float(bound)
                checks.append((value, _PY_CMP[indicator.comparator], bound))
            rungs.append(checks)
        out.append(rungs)
    return out


_PY_CMP = {
    Comparator.GE: operator.ge,
    Comparator.GT: operator.gt,
    Comparator.LE: operator.le,
    Comparator.LT: operator.lt,
    Comparator.EQ: operator.eq,
}


def scalar_floor(units: list[list[list[tuple[Any, Callable[[Any, Any], bool], Any]]]]) -> int:
    """Every check of every rung compared once in plain Python, rungs chained; known tiers counted."""
    known = 0
    for rungs in units:
        below_met, unknown = True, False
        for checks in rungs:
            met, missing = True, False
            for value, compare, bound in checks:
                if value is None:
                    missing = True
                elif not compare(value, bound):
                    met = False
            if below_met and not unknown:
                unknown = met and missing
                below_met = met and not missing
        known += not unknown
    return known


def scalar(ladder: Ladder, units: int = 300) -> None:
    """The scalar explaining path per unit (budget 0.3 ms), beside a plain-Python floor.

    ``explain_row`` decides and explains each of ``units`` units; its tiers must
    equal the batch path's, and some must be known. The floor is the least plain
    Python does for the same answer: every check of every rung compared once,
    values and thresholds already Python numbers (their preparation untimed),
    rungs chained. Also timed, for the record: explaining and rendering the
    text, which builds the explanation tree.
    """
    obs, groups, raw = data(ladder, 2_000)
    rows = range(units)
    chosen = [groups.selections[groups.index[i]] for i in rows]

    def explain_all() -> list[Any]:
        return [explain_row(ladder, obs, i, selection=chosen[i]) for i in rows]

    explained = explain_all()
    tiers = evaluate_batch(ladder, obs, groups).tiers()
    known = sum(a.tier is not None for a in explained)
    require(known > 0, "no unit explained with a known tier: it would measure nothing")
    require(
        all(a.tier == tiers[i] for i, a in enumerate(explained)),
        "the scalar and batch paths disagree",
    )
    inputs = scalar_floor_inputs(ladder, groups, raw, rows)
    require(scalar_floor(inputs) > 0, "the floor decided no known tier")
    checks = sum(len(c) for u in inputs for c in u)
    wall = timed(explain_all, repeat=5) / units * 1000
    cpu = timed(explain_all, repeat=5, clock=time.process_time) / units * 1000
    floor_ms = timed(lambda: scalar_floor(inputs), repeat=5) / units * 1000
    rendered = (
        timed(lambda: [a.to_text() for a in explain_all()], repeat=3, clock=time.process_time)
        / units
        * 1000
    )
    print(
        f"explain 1 unit: {wall:.3f} ms per unit (budget 0.3); {cpu:.3f} ms of CPU; "
        f"plain-Python floor {floor_ms:.4f} ms ({checks // units} comparisons per unit); "
        f"ratio {wall / floor_ms:.1f}; {known} of {units} units with a known tier, "
        "as the batch path decided"
    )
    print(f"  explain and render as text (the tree built): {rendered:.3f} ms of CPU per unit")


def memory(n: int) -> None:
    """Peak memory of building the input and deciding it (run in a fresh process).

    Prints: the process's peak resident size (MB, ``ru_maxrss``), the
    resident size before the input was built, the peak traced by
    ``tracemalloc`` while building and deciding, the input's own bytes and the
    number of values.
    """
    _, ladder = rules()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    obs, groups, _ = data(ladder, n, keep_raw=False)
    stored = sum(
        c.present.nbytes + (c.scaled.nbytes if c.scaled is not None else 0)
        for c in obs.columns.values()
    )
    result = evaluate_batch(ladder, obs, groups)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    require(len(result.tier_index) == n, "not every unit decided")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(peak, baseline, traced / 2**20, stored / 2**20, n * len(obs.columns))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="large N (default 1,000,000)")
    parser.add_argument("--memory", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--scalar", action="store_true", help="only the scalar explaining path")
    args = parser.parse_args()
    if args.memory:
        memory(args.memory)
        return 0
    if args.scalar:
        scalar(rules()[1])
        return 0
    if args.n != 1_000_000:
        print(f"NOTE: N scaled down to {args.n:,} by --n (the budgets are for 1,000,000)")
    _, ladder = rules()
    indicators = len(ladder.catalog().indicators)
    print(f"communes x {indicators} indicators under {', '.join(ladder.ids)}")

    small = min(10_000, args.n)
    engine_ms, floor_ms = decide(ladder, small, repeat=20)
    print(
        f"decide {small} communes: {engine_ms:.1f} ms; float64 floor {floor_ms:.1f} ms; "
        f"ratio {engine_ms / floor_ms:.2f} (budget 3)"
    )

    scalar(ladder)

    figures = subprocess.run(  # noqa: S603 - this very script, by its own path
        [sys.executable, __file__, "--memory", str(args.n)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    peak, baseline, traced, stored, values = map(float, figures)
    print(
        f"peak memory, {args.n:,} communes x {indicators} indicators built and decided: "
        f"{peak:.0f} MB resident ({baseline:.0f} MB before the input; budget 600 MB); "
        f"traced {traced:.0f} MB = {traced * 2**20 / values:.2f} bytes per value (budget 9), "
        f"input stored in {stored * 2**20 / values:.2f} bytes per value; "
        f"floor: float64 with NaN, 8 bytes per value"
    )

    engine_ms, floor_ms = decide(ladder, args.n, repeat=5)
    print(
        f"decide {args.n} communes: {engine_ms:.0f} ms; float64 floor {floor_ms:.0f} ms; "
        f"ratio {engine_ms / floor_ms:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
