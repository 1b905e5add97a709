"""What the fixed stack costs before any of our work: bare Flask, then with a signed session cookie, then with
Flask-WTF's CSRF token as well, in process (WSGI calls, no HTTP, no test client). Figures for docs/performance.md:
the extra CPU per request a form page cannot avoid, to set beside the budget a throughput target leaves.

    .venv/bin/python benchmarks/flask_floor.py [--repeat 5000]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, session
from flask_wtf.csrf import CSRFProtect, generate_csrf  # type: ignore[import-untyped]
from werkzeug.test import EnvironBuilder

ANSWERS = {f"question_{i}": "no" for i in range(40)}  # about what a half-filled form keeps in the cookie
KINDS = (  # route, method, what it adds
    ("bare", "GET", "bare Flask GET"),
    ("read", "GET", "+ read the signed session cookie"),
    ("read-csrf", "GET", "+ read it and make Flask-WTF's CSRF token"),
    ("write", "POST", "POST: verify CSRF, rewrite cookie"),
)


def build() -> Flask:
    app = Flask(__name__)
    app.secret_key = "f" * 40
    CSRFProtect(app)

    @app.get("/bare")
    def bare() -> str:
        return "ok"

    @app.get("/read")
    def read() -> str:
        return str(len(session.get("answers", {})))

    @app.post("/write")
    def write() -> str:
        session["answers"] = {**session.get("answers", {}), "seen": int(time.time())}
        return "ok"

    @app.get("/read-csrf")
    def read_csrf() -> str:
        return f"{len(session.get('answers', {}))} {generate_csrf()}"

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5000)
    n = parser.parse_args().repeat
    app = build()
    client = app.test_client()
    with client.session_transaction() as jar:
        jar["answers"] = ANSWERS
    client.get("/read-csrf")  # the CSRF secret into the cookie
    cookie = client.get_cookie("session")
    assert cookie is not None
    token = client.get("/read-csrf").get_data(as_text=True).split()[1]
    headers = [("Cookie", f"session={cookie.value}"), ("X-CSRFToken", token)]
    calls: dict[str, Callable[[], Any]] = {}
    for name, method, _ in KINDS:
        sent = [] if name == "bare" else headers  # as load.py's yardstick: no cookie to open
        environ = EnvironBuilder(path=f"/{name}", method=method, headers=sent).get_environ()
        calls[name] = _caller(app, environ)
    for call in calls.values():
        for _ in range(200):
            call()
    cpu: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(5):  # interleaved rounds: a slow spell falls on every kind
        for name, call in calls.items():
            started = time.process_time()
            for _ in range(n // 5):
                call()
            cpu[name].append((time.process_time() - started) / (n // 5) * 1e6)
    base = statistics.median(cpu["bare"])
    print(f"{len(ANSWERS)} answers in the cookie ({len(cookie.value)} bytes), {n} calls each, median of 5 rounds:")
    for name, _, label in KINDS:
        median = statistics.median(cpu[name])
        print(f"  {label:44} {median:7.1f} us CPU  (+{median - base:6.1f} us over bare)")


def _caller(app: Flask, environ: dict[str, Any]) -> Callable[[], None]:
    body = environ["wsgi.input"].read()

    def call() -> None:
        env = {**environ, "wsgi.input": io.BytesIO(body)}
        status: list[str] = []

        def start_response(line: str, _headers: list[tuple[str, str]], _exc: Any = None) -> Callable[[bytes], object]:
            status.append(line)
            return lambda _data: None

        out = app.wsgi_app(env, start_response)
        b"".join(out)
        assert status[0].startswith("200"), status
    return call


if __name__ == "__main__":
    main()
