"""The load benchmarks still run end to end (tiny and short): gunicorn with our app and the bare yardstick, the
clients, the figures and the check that every acknowledged submission is stored exactly once. Their figures are
read by people from full runs (docs/performance.md); here only that the scripts work and their check holds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--workers", "2", *args],
                          check=False, cwd=ROOT / "benchmarks", capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def _stored_exactly_once(output: str) -> int:
    match = re.search(r"in the database exactly once as acknowledged: (\d+)/(\d+); missing 0; stored twice 0",
                      output)
    assert match and match.group(1) == match.group(2), output[-3000:]
    return int(match.group(1))


def test_the_closed_loop_benchmark_measures_both_servers_and_finds_every_submission_once() -> None:
    output = _run("load.py", "--clients", "4", "--seconds", "2", "--warmup", "0.5")
    assert re.search(r"^ours: \d+ requests in [\d.]+ s = \d+ requests/s; latency p50", output, re.MULTILINE)
    assert re.search(r"^bare Flask: \d+ requests in", output, re.MULTILINE)
    assert re.search(r"share of bare Flask throughput: \d+% \(target >= 60%: (met|MISSED)\)", output)
    assert _stored_exactly_once(output) > 0


def test_the_capacity_search_probes_both_servers_in_turn_and_gives_the_share() -> None:
    output = _run("capacity.py", "--clients", "4", "--probe-seconds", "1", "--warmup", "0.5", "--start", "10",
                  "--max-rate", "20", "--repeat", "1")
    probes = re.findall(r"^  (ours|bare Flask) +(\d+) offered .* (holds|fails)$", output, re.MULTILINE)
    assert [name for name, _, _ in probes[:2]] == ["ours", "bare Flask"]  # they take turns
    assert {rate for _, rate, _ in probes} <= {"10", "20"}  # doubling stops past --max-rate
    assert re.search(r"share of bare Flask's throughput at p99 < 50 ms over 1 rounds: median \d+%", output) or \
        "bare Flask 0 requests/s" in output  # a VM too slow for even 10 requests/s gives no share, not a crash
    assert _stored_exactly_once(output) >= 0


def test_the_flask_floor_benchmark_times_each_step_of_the_fixed_stack() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "flask_floor.py"), "--repeat", "50"],
                          check=False, cwd=ROOT / "benchmarks", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = re.findall(r"^  (.+?) +(\d+\.\d) us CPU  \(\+ *(-?\d+\.\d) us over bare\)$", done.stdout, re.MULTILINE)
    assert [label.split()[0] for label, _, _ in lines] == ["bare", "+", "+", "POST:"]
    assert lines[0][2] == "0.0"  # the yardstick is itself
