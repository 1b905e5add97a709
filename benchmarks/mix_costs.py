"""CPU per request of each kind the load benchmark sends, in process: the same mix as load.py, without HTTP.

Builds the app on a fresh SQLite file with CSRF on and, like a gunicorn worker (post_worker_init), freezes what
start-up built out of the cycle collector's scans. Then it repeats what load.py's clients do, through Flask's
test client: a patient's whole form walk (home, consent, each page got and posted with its CSRF token, check,
send, result), API screenings, stored API submissions under fresh Idempotency-Keys and their resends. It prints
the median and mean CPU time per request of each kind and the mean over load.py's mix (40/40/20 actions, 10 %
resent). Figures to read beside load.py's server CPU per request (which adds gunicorn's own cost), not a test.

    .venv/bin/python benchmarks/mix_costs.py [--walks 30]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from load_clients import CSRF, TOKEN, _fields
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from suitability.services.api_keys import add_key
from suitability.web import create_app
from suitability.web.collector import freeze_start_up
from suitability.web.database import get_db
from suitability.web.patient.questions import PAGES

ROOT = Path(__file__).resolve().parents[1]
WALK = ("form-get", "form-post", "check", "submit", "result")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--walks", type=int, default=30, help="form walks (each with 2 of every API kind)")
    walks = parser.parse_args().walks
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(prefix="suitability-mix-"), "SECRET_KEY": "c" * 40,
                      "SESSION_COOKIE_SECURE": False, "WEBHOOK_SENDER": False})
    with app.app_context(), get_db().session() as session:
        token = add_key(session, "mix-costs", rate_limit=10**9)[1]
    intake = json.loads((ROOT / "examples" / "intake.json").read_text())
    form = {k: v for k, v in intake.items() if k not in ("screening_date", "appointment_date")}
    auth = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    cpu: dict[str, list[float]] = defaultdict(list)

    def timed(kind: str, status: int, send: Callable[..., TestResponse], *args: Any, **kwargs: Any) -> TestResponse:
        started = time.process_time()
        response = send(*args, **kwargs)
        cpu[kind].append(time.process_time() - started)
        assert response.status_code == status, (kind, response.status_code)
        return response

    def walk() -> None:
        browser = app.test_client()
        home = timed("form-get", 200, browser.get, "/")
        timed("form-post", 302, browser.post, "/start", data={"consent": "yes", "csrf_token": _find(CSRF, home)})
        for page in PAGES:
            shown = timed("form-get", 200, browser.get, f"/questions/{page.slug}")
            data = MultiDict([*_fields(page, form), ("csrf_token", _find(CSRF, shown))])
            timed("form-post", 302, browser.post, f"/questions/{page.slug}", data=data)
        check = timed("check", 200, browser.get, "/check")
        sent = timed("submit", 303, browser.post, "/submit",
                     data={"token": _find(TOKEN, check), "csrf_token": _find(CSRF, check)})
        timed("result", 200, browser.get, sent.headers["Location"])

    def screen() -> None:
        timed("api-screen", 200, api.post, "/api/v1/screenings", json={"intake": intake, "store": False},
              headers=auth)

    def store() -> None:
        headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
        for kind in ("api-store", "api-resend"):
            timed(kind, 201, api.post, "/api/v1/screenings", json={"intake": intake, "store": True}, headers=headers)

    for _ in range(3):  # warm-up: templates compiled, caches filled
        walk()
        screen()
        store()
    freeze_start_up()
    cpu.clear()
    for _ in range(walks):
        walk()
        for _ in range(2):
            screen()
            store()
    for kind, values in sorted(cpu.items()):
        print(f"{kind:12} {len(values):5} requests  median {statistics.median(values) * 1000:6.3f} ms  "
              f"mean {statistics.fmean(values) * 1000:6.3f} ms CPU")
    mean = {kind: statistics.fmean(values) * 1000 for kind, values in cpu.items()}
    walk_ms = sum(sum(cpu[kind]) for kind in WALK) / walks * 1000
    per_action = (0.4 * mean["api-screen"] + 0.4 * (mean["api-store"] + 0.1 * mean["api-resend"])
                  + 0.2 * walk_ms)
    requests = 0.4 + 0.4 * 1.1 + 0.2 * (2 * len(PAGES) + 5)
    print(f"a whole form walk ({2 * len(PAGES) + 5} requests): {walk_ms:.1f} ms CPU; load.py's mix: "
          f"{per_action / requests:.3f} ms CPU per request (mean)")


def _find(pattern: re.Pattern[str], response: TestResponse) -> str:
    match = pattern.search(response.get_data(as_text=True))
    assert match, "no token on the page"
    return match.group(1)


if __name__ == "__main__":
    main()
