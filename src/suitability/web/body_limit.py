"""A request body without a length (chunked) is read whole before the app sees it, up to MAX_CONTENT_LENGTH.

Werkzeug wraps such a body in a stream that stops at the limit, and one `read()` then returns the first
MAX_CONTENT_LENGTH bytes as if they were all: a 10 MB JSON body came out as truncated JSON (a 400), and a form
could lose its last fields. Here the body is read to one byte past the limit: if it fits, the app gets it
with its length, as any other body; if not, the app is told its true length is over the limit, and answers
413 through its own error pages when the body is first read.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from flask import Config

WSGIApp = Any


class BoundedBody:
    """WSGI middleware: chunked bodies buffered whole (within the limit) or marked as too large."""

    def __init__(self, app: WSGIApp, config: Config) -> None:
        self.app, self.config = app, config

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        limit = self.config.get("MAX_CONTENT_LENGTH")
        chunked = environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
        if limit is not None and environ.get("wsgi.input_terminated") and (
                chunked or not environ.get("CONTENT_LENGTH")):
            body = _read(environ["wsgi.input"], int(limit) + 1)
            environ.pop("wsgi.input_terminated")
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # werkzeug ignores a length given with chunked
            environ["CONTENT_LENGTH"] = str(len(body))  # over the limit: werkzeug's own 413 when it is read
            environ["wsgi.input"] = io.BytesIO(body if len(body) <= int(limit) else b"")
        return self.app(environ, start_response)  # type: ignore[no-any-return]


def _read(stream: Any, most: int) -> bytes:
    chunks, size = [], 0
    while size < most:
        chunk = stream.read(min(65536, most - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
