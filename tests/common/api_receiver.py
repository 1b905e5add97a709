"""A webhook receiver on 127.0.0.1 for the tests: checks every signature with the `standardwebhooks` package (as
any receiver would, without this application), can fail on purpose, records events and their headers."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

# The receiver's and the app's shared secret in the webhook tests: whsec_ and the base64 of 32 bytes.
WEBHOOK_SECRET = "whsec_c3VpdGFiaWxpdHktd2ViaG9vay10ZXN0LWtleS0zMmI="


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Receiver:
    """Start/stop it like a real endpoint. `fail_next` answers 500 that many times before accepting."""

    def __init__(self, secret: str, port: int | None = None) -> None:
        self.secret = secret
        self.port = port or free_port()
        self.events: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # of each accepted delivery
        self.bad_signatures = 0
        self.attempts = 0
        self.fail_next = 0
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> Receiver:
        receiver = self
        webhook = Webhook(self.secret)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.attempts += 1
                    headers = dict(self.headers.items())
                    try:
                        webhook.verify(body, headers)
                        valid = True
                    except WebhookVerificationError:
                        valid = False
                    if not valid:
                        receiver.bad_signatures += 1
                        status = 401
                    elif receiver.fail_next > 0:
                        receiver.fail_next -= 1
                        status = 500
                    else:
                        event = json.loads(body)
                        assert self.headers["Suitability-Event-Id"] == event["id"]
                        receiver.events.append(event)
                        receiver.headers.append(headers)
                        status = 204
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def event_ids(self) -> list[str]:
        with self.lock:
            return [e["id"] for e in self.events]
