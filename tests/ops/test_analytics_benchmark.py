"""The rule analytics benchmark still runs end to end in a tiny mode and counts every case it made; its timings
are read by people from full runs (100,000 cases), not checked here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_analytics_benchmark_fills_counts_and_times_each_query() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "analytics.py"), "--cases", "150",
                           "--reviews", "30", "--repeat", "1"],
                          check=False, cwd=ROOT / "benchmarks", capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]  # 1: slower than the target
    assert "150 cases, 30 reviews filled in" in done.stdout
    counted = re.search(r"cases counted in the year: (\d+); decisions counted \(summed over rules\): (\d+)",
                        done.stdout)
    assert counted and int(counted.group(1)) == 150 and int(counted.group(2)) >= 30, done.stdout
    timings = re.findall(r"^(.+?) +best +([\d.]+) ms +median +([\d.]+) ms", done.stdout, re.MULTILINE)
    assert [label.strip() for label, _, _ in timings] == [
        "rule analytics, a year", "rule analytics, 90 days", "cases behind a rule"]
