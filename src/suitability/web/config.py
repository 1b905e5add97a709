"""Configuration: safe defaults, then SUITABILITY_* environment; a secret key that survives restarts."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Config, Flask

from .. import clock

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,                   # SUITABILITY_SECRET_KEY; else generated once into the instance
    "DATABASE_URL": None,                 # SUITABILITY_DATABASE_URL or DATABASE_URL; else instance SQLite
    "DATABASE_AUTO_UPGRADE": True,        # `alembic upgrade head` at start
    "SESSION_COOKIE_NAME": "suitability_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,        # `suitability serve` (plain HTTP) turns it off; on behind TLS
    "PATIENT_IDLE_MINUTES": 120,          # unsent answers are forgotten after this long without a page (up
                                          # to a tenth of it, at most a minute, earlier: patient/state.py)
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,      # a slow patient keeps their page; the session bounds it anyway
    # Flask-WTF's HTTPS check wants a Referer header, which `Referrer-Policy: no-referrer` stops browsers from
    # sending: every form would fail behind TLS. The session-bound token and SameSite=Lax do the work instead.
    "WTF_CSRF_SSL_STRICT": False,
    "MAX_CONTENT_LENGTH": 64 * 1024,      # the longest honest form is a few kilobytes
    "CLINIC_NAME": "Microneedling pre-screen",
    "TRUSTED_PROXIES": 0,                 # TLS-ending proxies in front: trust their X-Forwarded-* headers
    "PRACTITIONER_IDLE_MINUTES": 30,      # a practitioner session ends after this long without a request
    "PRACTITIONER_MAX_HOURS": 12,         # and this long after signing in, however busy (state in the database)
    "REQUIRE_APPROVED_RULES": False,      # on in production: serve only approved rule sets (rules_approval)
    "APPROVALS_REQUIRED": 1,              # different admins who must approve a rule set before it serves
    "TIMEZONE": None,                     # SUITABILITY_TIMEZONE: the clinic's IANA zone (screening dates, times
                                          # shown); None: the server's local zone. Checked at start.
    "METRICS": False,                     # SUITABILITY_METRICS: serve Prometheus metrics at /metrics (metrics.py)
    "METRICS_TOKEN": None,                # SUITABILITY_METRICS_TOKEN: the bearer token /metrics requires; without
                                          # one, /metrics stays off even when METRICS is on
}
OFF_WORDS = {"", "0", "off", "false", "no", "none"}


def switched_on(value: object) -> bool:
    """A yes/no setting as the environment or a config may give it: True, 1, "on"... but "off", "false", "0" no."""
    if isinstance(value, str):
        return value.strip().lower() not in OFF_WORDS
    return bool(value)


SECRET_FILE = "secret_key"
APP_NAME = "suitability.web"


def instance_path(test_config: dict[str, Any] | None = None) -> str:
    """INSTANCE_PATH from `test_config`, else SUITABILITY_INSTANCE_PATH, else Flask's default for the app."""
    chosen = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("SUITABILITY_INSTANCE_PATH")
    return str(chosen) if chosen else Flask(APP_NAME).instance_path


def load_config(config: Config, test_config: dict[str, Any] | None) -> None:
    """Fill `config` (a Flask config) from defaults, then the environment or `test_config` (flaskr's rule)."""
    config.from_mapping(DEFAULTS)
    if test_config is None:
        if os.environ.get("DATABASE_URL"):  # the usual name; SUITABILITY_DATABASE_URL wins over it
            config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        config.from_prefixed_env("SUITABILITY")
    else:
        config.from_mapping(test_config)


def clinic_timezone(config: Config) -> dt.tzinfo:
    """The clinic's time zone from TIMEZONE, checked (an unknown name stops the app at start, naming the
    setting); kept in the config as CLINIC_ZONE for every request."""
    zone = clock.clinic_zone(config.get("TIMEZONE") or "")
    config["CLINIC_ZONE"] = zone
    return zone


def secret_key(instance_path: str | Path) -> str:
    """The instance folder's secret key, created once (atomically, so several workers agree on one)."""
    path = Path(instance_path) / SECRET_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temp, path)  # fails if another process created it first; then theirs wins
        except FileExistsError:
            pass
    finally:
        os.unlink(temp)
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds a key that is too short; delete it to generate a new one")
    return key
