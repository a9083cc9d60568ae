"""The benchmarks still run and still measure real work, at small sizes.

A benchmark is not a test of speed (budgets are read off its output by
people), but one that stops with "benchmark invalid" or an error has rotted:
``bench_readiness.py`` once refused its own data after reports stopped
counting periods later than their date. Each runs here, scaled down, and
must exit 0 and print its result line. The long ones (the 100,000-record
ingest, the Dask cluster) are left to be run by hand.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SHARED_UNITS = BENCHMARKS.parents[1] / "shared" / "data" / "vn" / "units-2025-01.csv"

CASES = [
    (["bench_engine.py", "--n", "20000"], "decide 20000 communes:"),
    (["bench_assess_cli.py", "--n", "3000"], "ntm assess 3000 rows"),
    (["bench_ocop.py"], "certified"),
]
if SHARED_UNITS.exists():  # the national unit list is beside the project, not in it
    CASES.append((["bench_admin.py"], "roll-up of"))  # it skips without the list
    CASES.append((["bench_readiness.py"], "known tiers decided:"))


@pytest.mark.slow
@pytest.mark.parametrize(("argv", "line"), CASES, ids=[c[0][0] for c in CASES])
def test_benchmark_runs_and_measures_real_work(argv, line):
    env = dict(os.environ)
    src = str(BENCHMARKS.parent / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    done = subprocess.run(
        [sys.executable, *argv],
        cwd=BENCHMARKS,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "benchmark invalid" not in done.stdout
    assert line in done.stdout, done.stdout[-2000:]
