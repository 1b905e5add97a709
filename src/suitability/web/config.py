"""Configuration: safe defaults, then SUITABILITY_* environment; a secret key that survives restarts."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Config

from .. import clock, settings

# Every setting the app reads, at its default (the settings model declares them: suitability.settings).
# DATABASE_URL unset: SQLite in the instance folder; SECRET_KEY unset: generated once into the instance folder;
# SESSION_COOKIE_SECURE: `suitability serve` (plain HTTP) turns it off unless set. WTF_CSRF_SSL_STRICT is off
# because Flask-WTF's HTTPS check wants a Referer header, which `Referrer-Policy: no-referrer` stops browsers
# from sending: every form would fail behind TLS. The session-bound token and SameSite=Lax do the work instead.
DEFAULTS: dict[str, Any] = settings.defaults(app=True)


def switched_on(value: object) -> bool:
    """A yes/no config value: a bool as it is, text read as every setting is (settings.parse_switch)."""
    if isinstance(value, str):
        return settings.parse_switch(value)
    return bool(value)


SECRET_FILE = "secret_key"
APP_NAME = settings.APP_NAME


def instance_path(test_config: dict[str, Any] | None = None) -> str:
    """INSTANCE_PATH from `test_config`, else SUITABILITY_INSTANCE_PATH, else Flask's default for the app."""
    return settings.instance_path((test_config or {}).get("INSTANCE_PATH"))


def load_config(config: Config, test_config: dict[str, Any] | None) -> None:
    """Fill `config` (a Flask config) from defaults, then the settings from the environment (checked: a bad
    value stops the app, naming it) or `test_config` (flaskr's rule)."""
    config.from_mapping(DEFAULTS)
    if test_config is None:
        config.from_mapping(settings.load_settings().app_config())
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
