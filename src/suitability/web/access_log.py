"""gunicorn's access log, narrowed to the atoms a line of ours may show.

gunicorn's own Logger builds about eighty atoms for every request (every request and response header, every
environ variable, the query string, referrer and user agent), escapes each and throws all but eight away. This
one builds only the privacy-safe atoms below, so each request costs less and a format that asks for anything
else (a header, the query string, the referrer) prints "-" instead of what a patient's browser sent.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]  # gunicorn ships no type hints

# Client address, time, method, path (PATH_INFO: no query string), protocol, status, bytes, milliseconds.
SAFE_ATOMS = frozenset("htmUHsBM")


class AccessLogger(Logger):  # type: ignore[misc]  # subclassing an untyped class
    """gunicorn's Logger with `atoms` cut down to SAFE_ATOMS (gunicorn_conf's `logger_class`)."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        return {
            "h": environ.get("REMOTE_ADDR", "-"),
            "t": self.now(),
            "m": environ.get("REQUEST_METHOD"),
            "U": environ.get("PATH_INFO"),
            "H": environ.get("SERVER_PROTOCOL"),
            "s": status,
            "B": getattr(resp, "sent", None),
            "M": request_time.seconds * 1000 + request_time.microseconds // 1000,
        }
