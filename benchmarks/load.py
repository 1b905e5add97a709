"""Load on the real thing: gunicorn on loopback, N concurrent clients for a bounded time; figures, not a test.

Starts the app under gunicorn with the production settings module (SQLite in a temporary folder by default;
`--database-url` for a PostgreSQL of yours, `--postgres` for a throwaway one like tests/common/pg.py), runs N clients
(default 200, asyncio + aiohttp, see load_clients.py) mixing API screenings, stored API submissions with
Idempotency-Keys (10 % resent) and whole web-form walks, and prints throughput, p50/p95/p99 latency and errors
by kind. Then it checks that every acknowledged submission is in the database exactly once, and runs the same
clients against a bare Flask endpoint (bare_app.py) under the same gunicorn settings: our throughput as a share
of it is the figure to watch (target >= 60 %, p99 < 50 ms on 2 cores).

In this closed loop both cores are saturated and latency is each server's own queue (Little's law: the mean is
N / throughput), so the p99 target cannot hold there for any server on 2 cores; benchmarks/capacity.py measures
the two targets together, as the highest open-loop rate each server answers with p99 < 50 ms.

`--rate R` runs an open loop instead: R requests/s offered on a schedule (Poisson arrivals of actions, spread
over the N clients), each action started when due whether or not earlier ones were answered, as a clinic's
traffic arrives; the bare Flask run gets the same rate. Then latency is the figure (a closed loop's latency is
mostly its own queue, N / throughput), and the share compares the throughput both kept up with and their CPU.

    .venv/bin/python benchmarks/load.py [--clients 200] [--seconds 30] [--think-ms 0] [--rate R] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import requests
from load_clients import Load, Tally
from sqlalchemy import select

from suitability.services.api_keys import add_key
from suitability.storage import Case, Database, database_url
from suitability.web.gunicorn_conf import settings

ROOT = Path(__file__).resolve().parents[1]
TARGET_SHARE, TARGET_P99_MS = 0.60, 50.0


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring")
    p.add_argument("--think-ms", type=float, default=0.0,
                   help="mean pause between actions and on each form page (0: flat out)")
    p.add_argument("--rate", type=float, default=0.0,
                   help="open loop: requests/s offered over all clients (0: closed loop, each client flat out)")
    p.add_argument("--mix", default="40,40,20", help="weights of API screening, stored submission, web form")
    p.add_argument("--workers", type=int, help="SUITABILITY_WORKERS (default 2 x cores + 1)")
    p.add_argument("--threads", type=int, help="SUITABILITY_THREADS (default 1: sync workers)")
    p.add_argument("--database-url", help="a PostgreSQL (or SQLite) URL; default SQLite in a temporary folder")
    p.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL (as tests/common/pg.py)")
    p.add_argument("--no-baseline", action="store_true", help="skip the bare Flask run")
    return p.parse_args()


class Server:
    """gunicorn with our settings module, serving `app` (ours, or the bare yardstick)."""

    def __init__(self, app: str, env: dict[str, str], log: Path) -> None:
        self.port = int(env["SUITABILITY_BIND"].rsplit(":", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "-c", "python:suitability.web.gunicorn_conf",
                   "--pythonpath", str(ROOT / "benchmarks"), app]
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited:\n{log.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        sys.exit(f"gunicorn did not become healthy:\n{log.read_text()}")

    def cpu_seconds(self) -> float:
        processes = [psutil.Process(self.process.pid), *psutil.Process(self.process.pid).children()]
        return float(sum(p.cpu_times().user + p.cpu_times().system for p in processes))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        lines = self.log.read_text(errors="replace").splitlines()
        trouble = [x for x in lines if any(w in x for w in ("[ERROR]", "[CRITICAL]", "Traceback", "WORKER TIMEOUT"))]
        print(f"  server log: {len(trouble)} error lines" + "".join(f"\n    {x}" for x in trouble[:5]))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def report(name: str, tally: Tally, elapsed: float, offered: float = 0.0) -> tuple[float, float]:
    """Print throughput and latency (overall and by kind) and errors; returns (requests/s, p99 ms)."""
    every = sorted(x for v in tally.latencies.values() for x in v)
    rate = len(every) / elapsed
    print(f"{name}: {len(every)} requests in {elapsed:.1f} s = {rate:.0f} requests/s; latency p50 "
          f"{percentile(every, .5):.1f} ms, p95 {percentile(every, .95):.1f} ms, p99 {percentile(every, .99):.1f} ms")
    if offered:
        print(f"  open loop: {offered:.0f} requests/s offered, {rate / offered:.0%} of it answered in the window; "
              f"at most {tally.max_in_flight} actions under way at once")
    for kind, values in sorted(tally.latencies.items()):
        ordered = sorted(values)
        print(f"  {kind:12} {len(ordered):7} requests  p50 {percentile(ordered, .5):7.1f}  p95 "
              f"{percentile(ordered, .95):7.1f}  p99 {percentile(ordered, .99):7.1f} ms")
    errors = sum(tally.errors.values())
    print(f"  errors: {errors}" + "".join(f"\n    {n:6}  {k}" for k, n in tally.errors.most_common()))
    return rate, percentile(every, .99)


def check_stored(url: str, tally: Tally) -> bool:
    """Every acknowledged submission is in the database exactly once, as the case the client was told."""
    database = Database(url)
    with database.session() as session:
        rows = session.execute(select(Case.id, Case.idempotency_key)).all()
    database.dispose()
    by_key: dict[str, list[str]] = {}
    for case_id, key in rows:
        if key:
            by_key.setdefault(key.split(":", 2)[-1] if key.startswith("api:") else key, []).append(case_id)
    wanted = {**tally.api_acks, **{f"web:{t}": c for t, c in tally.web_acks.items()}}
    exact = sum(1 for k, c in wanted.items() if by_key.get(k) == [c])
    missing = sum(1 for k in wanted if k not in by_key)
    twice = sum(1 for ids in by_key.values() if len(ids) > 1)
    unanswered = len(tally.api_unanswered) + len(tally.web_unanswered)
    landed = sum(1 for k in tally.api_unanswered if k in by_key) + sum(
        1 for t in tally.web_unanswered if f"web:{t}" in by_key)
    print(f"acknowledged submissions: {len(tally.api_acks)} API + {len(tally.web_acks)} web form; in the database "
          f"exactly once as acknowledged: {exact}/{len(wanted)}; missing {missing}; stored twice {twice}; "
          f"sent but never answered {unanswered} (of which stored {landed}); cases in the database {len(rows)}")
    return exact == len(wanted) and twice == 0


def run(load: Load, warmup: float, server: Server) -> tuple[Tally, float, float]:
    """Warm up, then the measured run; returns its tally, the measured window and the server's CPU seconds in
    it (all its processes): on a machine shared with other work the CPU cost per request is the steadier figure."""
    if warmup > 0:
        asyncio.run(Load(**{**load.__dict__, "seconds": warmup, "tally": Tally()}).run())
    marks: list[float] = []
    ours: list[float] = []

    def at_deadline() -> None:
        marks.append(server.cpu_seconds())
        ours.append(time.process_time())

    load.at_deadline = at_deadline
    before, own = server.cpu_seconds(), time.process_time()
    grace = asyncio.run(load.run())
    # The clients run in this one process: near a whole core, they, not the server, set the pace.
    print(f"  load generator CPU in the window: {ours[0] - own:.1f} s ({(ours[0] - own) / load.seconds:.0%} of a core)")
    if load.tally.after_deadline:
        print(f"({load.tally.after_deadline} requests in flight at the end of the window, or finishing form walks "
              f"under way, ended in the {grace:.1f} s after it: not in the figures; their submissions are checked)")
    return load.tally, load.seconds, marks[0] - before


def cpu_report(cpu: float, tally: Tally, seconds: float) -> float:
    """Print the server's CPU use in the window; returns its CPU milliseconds per request."""
    per_request = cpu / max(1, tally.requests()) * 1000
    cores = psutil.cpu_count() or 1
    print(f"  server CPU in the window: {cpu:.1f} s of the {cores * seconds:.0f} s that {cores} cores offer "
          f"({cpu / (cores * seconds):.0%}); {per_request:.2f} ms CPU per request")
    return per_request


class Setup:
    """What both benchmarks start from: a database (SQLite in `work`, or PostgreSQL), an API key with no
    practical rate limit, the environment gunicorn is started with, and the example intake."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.cleanup: list[Any] = []
        url = args.database_url
        if args.postgres:
            if str(ROOT) not in sys.path:  # the tests package sits beside benchmarks/
                sys.path.insert(0, str(ROOT))
            from tests.common.pg import ServerInfo, _binaries, _Throwaway

            bin_dir = _binaries()
            if bin_dir is None:
                sys.exit("no PostgreSQL binaries (initdb, pg_ctl) found")
            throwaway = _Throwaway(bin_dir)
            self.cleanup.append(throwaway.stop)
            url = ServerInfo(throwaway.start()).create_database()
        self.url = database_url(url, work / "instance")
        self.env = {**os.environ, "SUITABILITY_INSTANCE_PATH": str(work / "instance"),
                    "SUITABILITY_DATABASE_URL": self.url,
                    "SUITABILITY_SECRET_KEY": "load-benchmark-secret-key-0123456789abcdef",
                    "SUITABILITY_SESSION_COOKIE_SECURE": "false", "SUITABILITY_WEBHOOK_SENDER": "false",
                    "SUITABILITY_BIND": f"127.0.0.1:{free_port()}"}
        if args.workers:
            self.env["SUITABILITY_WORKERS"] = str(args.workers)
        if args.threads:
            self.env["SUITABILITY_THREADS"] = str(args.threads)
        database = Database(self.url)
        with database.session() as session:
            self.token = add_key(session, "load-benchmark", rate_limit=10**9)[1]
        database.dispose()
        self.intake = json.loads((ROOT / "examples" / "intake.json").read_text())
        self.form = {k: v for k, v in self.intake.items() if k not in ("screening_date", "appointment_date")}
        self.weights = tuple(float(w) for w in args.mix.split(","))

    def stop(self) -> None:
        for stop in self.cleanup:
            stop()


def main() -> int:
    args = arguments()
    work = Path(tempfile.mkdtemp(prefix="suitability-load-"))
    setup = Setup(args, work)
    stored_ok = False
    url, env, token, intake, form = setup.url, setup.env, setup.token, setup.intake, setup.form
    conf = settings(env)
    weights = setup.weights
    print(f"machine: {platform.platform()}, {psutil.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"gunicorn: {conf['workers']} {conf['worker_class']} workers x {conf['threads']} threads; database "
          f"{url.split(':', 1)[0]}; {args.clients} clients for {args.seconds:.0f} s (+{args.warmup:.0f} s warm-up), "
          f"think {args.think_ms:.0f} ms, mix screen/store/form {args.mix}, "
          + (f"open loop at {args.rate:.0f} requests/s" if args.rate else "closed loop"))
    try:
        ours = Server("suitability.web.wsgi:app", env, work / "ours.log")
        load = Load(ours.url, args.clients, args.seconds, args.think_ms / 1000, weights, api_token=token,
                    intake=intake, form=form, rate=args.rate)
        tally, elapsed, cpu = run(load, args.warmup, ours)
        ours.stop()
        rate, p99 = report("ours", tally, elapsed, args.rate)
        our_cost = cpu_report(cpu, tally, elapsed)
        stored_ok = check_stored(url, tally)
        if args.think_ms and not args.rate:
            print("paced run: the throughput is what the clients asked for, so no bare Flask comparison")
        elif not args.no_baseline:
            bare = Server("bare_app:app", env, work / "bare.log")
            load = Load(bare.url, args.clients, args.seconds, args.think_ms / 1000, bare_path="/bare", intake=intake,
                        rate=args.rate)
            tally, elapsed, cpu = run(load, args.warmup, bare)
            bare.stop()
            bare_rate, bare_p99 = report("bare Flask", tally, elapsed, args.rate)
            bare_cost = cpu_report(cpu, tally, elapsed)
            share = rate / bare_rate
            at = f" at the same offered {args.rate:.0f} requests/s" if args.rate else ""
            print(f"share of bare Flask throughput{at}: {share:.0%} (target >= {TARGET_SHARE:.0%}: "
                  f"{'met' if share >= TARGET_SHARE else 'MISSED'}); by server CPU per request: "
                  f"{bare_cost / our_cost:.0%}; p99 ours {p99:.1f} ms, bare {bare_p99:.1f} ms")
        print(f"our p99: {p99:.1f} ms (target < {TARGET_P99_MS:.0f} ms: {'met' if p99 < TARGET_P99_MS else 'MISSED'})")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; logs in {work}")
    finally:
        setup.stop()
    return 0 if stored_ok else 1


if __name__ == "__main__":
    sys.exit(main())
