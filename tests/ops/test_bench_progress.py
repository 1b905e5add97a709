"""`make bench` says what it is doing while it runs, and `make bench QUICK=1` is the documented quick look."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_prints_each_stage_on_stderr_and_its_figures_on_stdout() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "screening.py"), "--quick", "--runs", "1",
                           "--timed", "200", "--pool", "20"], capture_output=True, text=True, timeout=600,
                          check=False, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.returncode == 0, done.stderr[-3000:]
    stages = re.findall(r"^\[\d\d:\d\d:\d\d\] (.+)$", done.stderr, re.MULTILINE)
    assert stages[0].startswith("loading the rules") and stages[-1].startswith("memory: 20 k")
    assert any(s.startswith("throughput run 1/1") for s in stages)
    assert "screenings/s" in done.stdout and "[" not in done.stdout.splitlines()[0]


def test_make_bench_quick_passes_quick_and_plain_make_bench_does_not() -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed (.ci/run installs it)")
    quick = subprocess.run([make, "-n", "bench", "QUICK=1", "BIN=."], cwd=ROOT, capture_output=True, text=True,
                           timeout=60, check=True).stdout
    full = subprocess.run([make, "-n", "bench", "BIN=."], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True).stdout
    assert "benchmarks/screening.py --quick" in quick
    assert "benchmarks/screening.py" in full and "--quick" not in full
