"""Monte Carlo projection benchmark (issue 12): 1,000 draws x 182 communes to 2030.

The bundled Hà Tĩnh sample (real units, SYNTHETIC values, illustrative
thresholds), base 2024-12-31, every draw decided by the batch engine for every
level (communes, districts, towns, the province) in each year 2025-2030.
Prints:

- the Monte Carlo run on one core in this process (budget: 2 s), and that
  the work was real: every draw decided, outcomes known;
- a numpy floor on the same arrays: drawing the same paths and comparing every
  value with one threshold per indicator (no rules, no roll-ups), with the ratio;
- the run as Dask tasks on a local cluster of 1 and of 2 worker processes
  (one thread each), with the speed-up (when ``distributed`` is installed).

Run: python benchmarks/bench_project.py [--small]
``--small`` scales the draws down to 100 (for a quick check) and says so.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import numpy as np

from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
from ntm_core.engine import CODES, IndicatorCatalog
from ntm_core.io import read_observations
from ntm_core.rules import Rulebook
from ntm_core.scenarios import simulate
from ntm_core.scenarios._montecarlo import _paths, _step_picks, seeds_for
from ntm_core.scenarios._projection import _build

ON = dt.date(2024, 12, 31)
TO = 2030
BUDGET = 2.0
UNKNOWN = CODES[next(o for o in CODES if o.value == "unknown")]


def main() -> None:
    """Run the benchmark and print its figures."""
    small = "--small" in sys.argv[1:]
    draws = 100 if small else 1000
    if small:
        print(f"--small: {draws} draws instead of 1,000 (the budget applies to 1,000)")
    book = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
    catalog = IndicatorCatalog.from_editions(list(book))
    obs = read_observations(HA_TINH_DIR / "sample-observations.csv", catalog=catalog)
    tree = ha_tinh_tree()
    kw = {
        "province": "42",
        "on": ON,
        "to": TO,
        "tree": tree,
        "rulebook": book,
        "scope": "ha-tinh",
    }
    start = time.perf_counter()
    result = simulate(obs, draws=draws, seed=1, progress=False, **kw)  # type: ignore[arg-type]
    engine = time.perf_counter() - start
    known = int((result.outcomes != UNKNOWN).sum())
    if result.completed.shape != (draws, TO - ON.year) or not known or not result.reach_by.sum():
        raise SystemExit("no real work: draws not decided, or no outcome known")
    communes = len(result.communes)
    print(
        f"Monte Carlo, {draws} draws x {communes} communes, {result.years[0]}-{TO}, one core: "
        f"{engine:.2f} s (budget {BUDGET:.0f} s for 1,000 draws: "
        f"{'met' if engine <= BUDGET * draws / 1000 else 'NOT met'}); "
        f"known condition outcomes {known:,} of {result.outcomes.size:,}"
    )

    # the floor: the same paths, each value compared with one threshold per indicator
    model = _build(obs, **kw)  # type: ignore[arg-type]
    threshold = np.percentile(np.nan_to_num(model.trend.anchor), 10, axis=0).astype(np.int64)
    start = time.perf_counter()
    picks = _step_picks(model, seeds_for(1, draws))
    met = 0
    for scaled in _paths(model, picks):
        met += int((scaled >= threshold[:, None, None]).all(axis=0).sum())
    floor = time.perf_counter() - start
    print(
        f"numpy floor (same paths, one comparison per value): {floor:.2f} s; "
        f"engine / floor = {engine / floor:.1f}x; ({met:,} unit-years pass the floor's test)"
    )
    _dask(obs, kw, draws)


def _dask(obs: object, kw: dict[str, object], draws: int) -> None:
    try:
        import distributed
    except ImportError:
        print("Dask: distributed is not installed (pip install 'ntm-core[dask]'); skipped")
        return
    times = {}
    for workers in (1, 2):
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            simulate(obs, draws=workers * 2, seed=1, scheduler=client, chunk=1, **kw)  # warm up
            start = time.perf_counter()
            simulate(obs, draws=draws, seed=1, scheduler=client, chunk=draws // 8, **kw)  # type: ignore[arg-type]
            times[workers] = time.perf_counter() - start
    print(
        f"Dask local cluster: 1 worker {times[1]:.2f} s, 2 workers {times[2]:.2f} s, "
        f"speed-up {times[1] / times[2]:.2f}x (chunks of {draws // 8} draws)"
    )


if __name__ == "__main__":
    main()
