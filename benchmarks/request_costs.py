"""Where a request's time goes, without HTTP or gunicorn: the app's own cost per kind of request, in process.

Builds the app on a fresh SQLite file (as `make run` does), with CSRF on, and times each kind of request the
load benchmark sends through Flask's test client, plus `screen()` alone and the API key's rate-limit count (one
committed database write per API request). Figures to read beside benchmarks/load.py's, not a test.

    .venv/bin/python benchmarks/request_costs.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from suitability.intake import parse_intake
from suitability.screening import default_screener
from suitability.services.api_keys import add_key
from suitability.services.rate_limit import hit
from suitability.web import create_app
from suitability.web.database import get_db
from suitability.web.patient.questions import PAGES

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def timed(name: str, call: Callable[[], Any], repeat: int) -> None:
    """Wall time and this process's CPU time per call: on a busy machine the CPU time is the steadier figure;
    the difference is waiting (for the disk, or for a core)."""
    call()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        call()
    wall, cpu = (time.perf_counter() - wall) / repeat * 1000, (time.process_time() - cpu) / repeat * 1000
    print(f"{name:48} {wall:7.2f} ms wall {cpu:7.2f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(prefix="suitability-costs-"), "SECRET_KEY": "c" * 40,
                      "SESSION_COOKIE_SECURE": False, "WEBHOOK_SENDER": False})
    with app.app_context(), get_db().session() as session:
        row, token = add_key(session, "costs", rate_limit=10**9)
        key_id = row.id
    intake = json.loads((ROOT / "examples" / "intake.json").read_text())
    auth = {"Authorization": f"Bearer {token}"}
    browser = app.test_client()
    csrf = CSRF.search(browser.get("/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    browser.post("/start", data={"consent": "yes", "csrf_token": csrf})
    first = PAGES[0]
    api = app.test_client()

    timed("GET /healthz", lambda: browser.get("/healthz"), repeat)
    timed(f"GET /questions/{first.slug} (a form page)", lambda: browser.get(f"/questions/{first.slug}"), repeat)
    timed("POST a form page (CSRF, answers to the cookie)", lambda: browser.post(
        f"/questions/{first.slug}", data={"date_of_birth": intake["date_of_birth"], "csrf_token": csrf}), repeat)
    timed("POST /api/v1/screenings, store: false", lambda: api.post(
        "/api/v1/screenings", json={"intake": intake, "store": False}, headers=auth), repeat)
    timed("POST /api/v1/screenings, store: true", lambda: api.post(
        "/api/v1/screenings", json={"intake": intake, "store": True},
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex}), repeat // 2)
    parsed = parse_intake(intake)
    timed("screen() alone (the core service)", lambda: default_screener().screen(parsed), repeat)
    with app.app_context():
        database = get_db()

        def count() -> None:
            with database.session() as session:
                hit(session, key_id, 10**9)

        timed("rate-limit count (one committed write)", count, repeat)


if __name__ == "__main__":
    main()
