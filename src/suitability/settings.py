"""Every SUITABILITY_* setting, declared once (type, default, description), read from the environment.

Each is checked at start; `suitability config --markdown` prints the README's table of them.

The names are the environment's without the prefix, and the same as the Flask config keys the web app reads
(`SUITABILITY_METRICS` -> `app.config["METRICS"]`). A bad value stops the process with an error naming the
variable, never its value; an unknown SUITABILITY_* name is logged as a warning with the closest known name.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.util
import json
import logging
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import lru_cache
from pathlib import PurePath
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BeforeValidator, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from . import clock
from .errors import SuitabilityError

PREFIX = "SUITABILITY_"
# Read by the test suite and the documentation writers, not by the application: known, so never warned about.
NOT_SETTINGS = frozenset({"SUITABILITY_WRITE_DOCS", "SUITABILITY_WRITE_EXAMPLES", "SUITABILITY_WRITE_SCREENSHOTS"})
TRUE_WORDS = frozenset({"true", "on", "yes", "1"})
FALSE_WORDS = frozenset({"false", "off", "no", "0"})
MASK = "********"
log = logging.getLogger(__name__)


class SettingsError(SuitabilityError):
    """A setting in the environment that cannot be used; the message names the variable, never its value."""


def parse_switch(value: object) -> bool:
    """The one reading of a yes/no setting: true/false, on/off, yes/no, 1/0 (any case); anything else is refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError("must be one of true/false, on/off, yes/no, 1/0")


def _url_list(value: object) -> object:
    """A JSON list of URLs, or URLs separated by commas (or semicolons)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise ValueError("must be a JSON list of URLs, or URLs separated by commas") from None
        else:
            value = text.replace(";", ",").split(",")
    if isinstance(value, (list, tuple)):
        return tuple(str(item).strip() for item in value if str(item).strip())
    return value


def _secret_list(value: object) -> object:
    """Earlier secret keys: a JSON list, or keys separated by commas."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return tuple(json.loads(text))
            except ValueError:
                raise ValueError("must be a JSON list, or keys separated by commas") from None
        return tuple(part.strip() for part in text.split(",") if part.strip())
    return value


Switch = Annotated[bool, BeforeValidator(parse_switch)]
Whole = Annotated[int, Field(ge=1)]
Count = Annotated[int, Field(ge=0)]
Seconds = Annotated[float, Field(ge=0)]
LogLevel = Literal["debug", "info", "warning", "error", "critical"]


def setting(default: Any, description: str, *, app: bool = True, **more: Any) -> Any:
    """A field: its default and one line saying what it does; `app` False for settings the Flask app never reads."""
    return Field(default, description=description, json_schema_extra={"app": app}, **more)


class Settings(BaseSettings):
    """The effective configuration of one process."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, case_sensitive=True, frozen=True, extra="ignore",
                                      env_ignore_empty=True, validate_default=True)

    # The web app (also app.config)
    SECRET_KEY: SecretStr | None = setting(
        None, "Signs sessions and forms: the same 32+ random characters on every server; unset: generated once "
              "into the instance folder.")
    SECRET_KEY_FALLBACKS: Annotated[tuple[SecretStr, ...], NoDecode, BeforeValidator(_secret_list)] = setting(
        (), "Earlier secret keys still accepted while rotating (a JSON list, or comma-separated).")
    DATABASE_URL: SecretStr | None = setting(
        None, "The database (also read from DATABASE_URL; this one wins); unset: SQLite in the instance folder.",
        validation_alias=AliasChoices(f"{PREFIX}DATABASE_URL", "DATABASE_URL"))
    DATABASE_AUTO_UPGRADE: Switch = setting(True, "Run the database migrations (`alembic upgrade head`) at start.")
    SESSION_COOKIE_NAME: str = setting("suitability_session", "The name of the session cookie.")
    SESSION_COOKIE_HTTPONLY: Switch = setting(True, "The session cookie is out of reach of scripts.")
    SESSION_COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] = setting("Lax", "The session cookie's SameSite.")
    SESSION_COOKIE_SECURE: Switch = setting(
        True, "The session cookie travels over https only (`suitability serve`, plain HTTP, turns it off "
              "unless set).")
    PATIENT_IDLE_MINUTES: Whole = setting(120, "Unsent answers are forgotten after this long without a page.")
    WTF_CSRF_TIME_LIMIT: Whole = setting(8 * 3600, "Seconds a form's CSRF token stays valid.")
    WTF_CSRF_SSL_STRICT: Switch = setting(
        False, "Flask-WTF's Referer check over https (off: `Referrer-Policy: no-referrer` stops browsers from "
               "sending one).")
    MAX_CONTENT_LENGTH: Whole = setting(64 * 1024, "The largest request body accepted, in bytes.")
    CLINIC_NAME: str = setting("Microneedling pre-screen", "The clinic's name on every page.")
    DEFAULT_LANGUAGE: Literal["en", "es"] = setting(
        "en", "The language of the pages when the patient has not chosen one and the browser names none we have.")
    TRUSTED_PROXIES: Count = setting(
        0, "TLS-ending proxies in front whose X-Forwarded-* headers are trusted (app and gunicorn).")
    COLLECT_CONTACT: Switch = setting(
        False, "The form asks the patient's name and one phone number or email, stored with the case and shown "
               "to signed-in staff only.")
    PRACTITIONER_IDLE_MINUTES: Whole = setting(30, "A practitioner session ends after this long without a request.")
    PRACTITIONER_MAX_HOURS: Whole = setting(12, "A practitioner session ends this long after signing in.")
    PRACTITIONER_RECENT_VIEW_MINUTES: Whole = setting(
        30, "A case page names anyone else who opened it within this many minutes.")
    SIGN_IN_IP_LIMIT: Whole = setting(20, "Refused sign-ins per client address before it must wait.")
    SIGN_IN_IP_WINDOW_MINUTES: Whole = setting(15, "The window, in minutes, of SIGN_IN_IP_LIMIT.")
    REQUIRE_APPROVED_RULES: Switch = setting(
        False, "Serve and accept decisions only under approved rule sets (on in production).")
    APPROVALS_REQUIRED: Whole = setting(1, "Different admins who must approve a rule set before it counts.")
    TIMEZONE: str | None = setting(
        None, "The clinic's IANA time zone (screening dates, times shown); unset: the server's local zone.")
    RULES_CHECK_SECONDS: Seconds = setting(5.0, "How often a server looks for edited rules; 0: never.")
    METRICS: Switch = setting(False, "Serve Prometheus metrics at /metrics (needs METRICS_TOKEN).")
    METRICS_TOKEN: SecretStr | None = setting(None, "The bearer token /metrics requires; unset: no /metrics.")
    API_RATE_LIMIT: Whole = setting(120, "Requests per API key per minute, unless the key says otherwise.")
    API_KEY_CACHE_SECONDS: Seconds = setting(5.0, "A verified API key is not looked up again for this long; 0: off.")
    OVERRIDE_ALERT: str = setting(
        "30%/20", "A rule whose practitioners' override rate is at least this percentage, over at least this many "
                  "decisions in the period, is a review item on the rule-set page.")
    WEBHOOK_URLS: Annotated[tuple[str, ...] | None, NoDecode, BeforeValidator(_url_list)] = setting(
        None, "Where webhooks go: a JSON list, or URLs separated by commas.")
    WEBHOOK_SECRET: SecretStr | None = setting(
        None, "The whsec_ signing secret shared with receivers (`suitability webhooks new-secret`).")
    WEBHOOK_SENDER: Switch = setting(True, "Run the background webhook sender in this process.")
    WEBHOOK_POLL_SECONDS: Annotated[float, Field(gt=0)] = setting(5.0, "How often the sender looks for events.")
    WEBHOOK_TIMEOUT_SECONDS: Annotated[float, Field(gt=0)] = setting(5.0, "How long a receiver may take to answer.")
    WEBHOOK_RETRY_BASE_SECONDS: Annotated[float, Field(gt=0)] = setting(10.0, "The first retry's delay (doubling).")
    WEBHOOK_RETRY_MAX_SECONDS: Annotated[float, Field(gt=0)] = setting(3600.0, "The longest delay between retries.")
    WEBHOOK_MAX_ATTEMPTS: Whole = setting(20, "Attempts before a delivery is given up.")

    # The process
    INSTANCE_PATH: str | None = setting(
        None, "The instance folder (secret key, SQLite database); unset: Flask's default.", app=False)
    RULES_DIR: str | None = setting(None, "The rules folder; unset: the rules shipped with the package.", app=False)
    PROFILE: str = setting("conservative", "The clinic's policy profile: conservative or standard.", app=False)

    # gunicorn (`suitability serve --production`)
    BIND: str = setting("127.0.0.1:8000", "Addresses gunicorn listens on, separated by commas.", app=False)
    WORKERS: Whole | None = setting(None, "gunicorn worker processes; unset: 2 x cores + 1.", app=False)
    THREADS: Whole = setting(1, "Threads per worker (more than 1: gthread workers).", app=False)
    TIMEOUT: Whole = setting(30, "Seconds a request may take before its worker is restarted.", app=False)
    GRACEFUL_TIMEOUT: Whole = setting(30, "Seconds workers get to finish on a restart.", app=False)
    KEEPALIVE: Whole = setting(5, "Seconds a keep-alive connection waits for the next request.", app=False)
    MAX_REQUESTS: Count = setting(0, "Requests after which a worker is replaced; 0: never.", app=False)
    MAX_REQUESTS_JITTER: Count = setting(0, "Random extra requests added to MAX_REQUESTS per worker.", app=False)
    BACKLOG: Whole = setting(2048, "Connections waiting to be accepted.", app=False)
    ACCESS_LOG: str = setting("-", "The access log: - (standard output), a file, or off.", app=False)
    ERROR_LOG: str = setting("-", "The error log: - (standard error) or a file.", app=False)
    LOG_LEVEL: Annotated[LogLevel, BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v)] = \
        setting("info", "gunicorn's and the app's log level.", app=False)
    FORWARDED_ALLOW_IPS: str = setting(
        "*", "Proxy addresses gunicorn trusts X-Forwarded-* from (only with TRUSTED_PROXIES).", app=False)

    @field_validator("OVERRIDE_ALERT")
    @classmethod
    def _alert_shape(cls, value: str) -> str:
        match = re.fullmatch(r"\s*(\d{1,3}(?:\.\d{1,2})?)\s*%?\s*/\s*(\d{1,6})\s*", value)
        if match is None or not 0 < float(match[1]) <= 100 or int(match[2]) < 1:
            raise ValueError("must be a percentage above 0 and at most 100, then a number of decisions, "
                             "such as 30%/20")
        return value.strip()

    @field_validator("TIMEZONE")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value:
            try:
                clock.clinic_zone(value)
            except clock.TimezoneError:
                raise ValueError("must be an IANA time zone name such as Europe/London") from None
        return value

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment only (or the mapping `load_settings` was given): no .env file, no secrets folder."""
        return (_Environment(settings_cls),)

    def app_config(self) -> dict[str, Any]:
        """The settings the Flask app reads, under its config keys, secrets as plain text."""
        return {name: _plain(getattr(self, name)) for name in names(app=True)}

    def where(self, name: str, environ: Mapping[str, str] | None = None) -> str:
        """Where the value of `name` came from: "environment" (naming the variable when it is not the usual
        SUITABILITY_ one), or "default"."""
        environ = os.environ if environ is None else environ
        for variable in variables(name):
            if environ.get(variable, "").strip():
                return "environment" if variable == PREFIX + name else f"environment ({variable})"
        return "default"


_environ: ContextVar[Mapping[str, str] | None] = ContextVar("suitability_settings_environ", default=None)


class _Environment(EnvSettingsSource):
    """The process environment, or the mapping being loaded; values blank after trimming count as unset."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        environ = _environ.get()
        source = os.environ if environ is None else environ
        return {k: v.strip() for k, v in source.items() if (k.startswith(PREFIX) or k == "DATABASE_URL")
                and isinstance(v, str) and v.strip()}


def clinic_zone(environ: Mapping[str, str] | None = None) -> dt.tzinfo:
    """The clinic's zone: SUITABILITY_TIMEZONE, else the server's local zone."""
    return clock.clinic_zone(load_settings(environ).TIMEZONE)


def names(*, app: bool | None = None) -> tuple[str, ...]:
    """Every setting's name (without the prefix); app=True: those the Flask app reads, False: the others."""
    return tuple(name for name, field in Settings.model_fields.items()
                 if app is None or _extra(field.json_schema_extra).get("app", True) is app)


def variables(name: str) -> tuple[str, ...]:
    """The environment variables that set `name`, the winning one first."""
    alias = Settings.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return tuple(str(choice) for choice in alias.choices)
    return (PREFIX + name,)


def defaults(*, app: bool | None = None) -> dict[str, Any]:
    """Each setting's default value (secrets as plain text), under its name."""
    return {name: _plain(Settings.model_fields[name].default) for name in names(app=app)}


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from `environ` (default: the process environment), checked: SettingsError names every bad
    variable without its value. Unknown SUITABILITY_* names are logged as warnings, once each."""
    environ = os.environ if environ is None else environ
    relevant = tuple(sorted((k, v) for k, v in environ.items() if k.startswith(PREFIX) or k == "DATABASE_URL"))
    return _load(relevant)


@lru_cache(maxsize=32)
def _load(relevant: tuple[tuple[str, str], ...]) -> Settings:
    environ = dict(relevant)
    warn_unknown(environ)
    token = _environ.set(environ)
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError("; ".join(_problems(exc))) from None
    finally:
        _environ.reset(token)


APP_NAME = "suitability.web"  # the web app's import name: an installed app's instance folder is named after it


def instance_path(chosen: str | None = None) -> str:
    """The instance folder (secret key, SQLite database) every door shares: `chosen`, else INSTANCE_PATH, else
    the web app's Flask default, so the CLI opens the database the servers serve."""
    picked = chosen or load_settings().INSTANCE_PATH
    if picked:
        return str(picked)
    spec = importlib.util.find_spec(__name__.partition(".")[0])
    origin = spec.origin if spec and spec.origin else __file__
    return default_instance_path(os.path.dirname(os.path.dirname(origin)), sys.prefix)


def default_instance_path(package_path: str, prefix: str) -> str:
    """Flask's instance folder for the app (`Flask.auto_find_instance_path`), without Flask: `instance` beside
    the package's folder in a source tree, `<prefix>/var/suitability.web-instance` when installed."""
    installed: str | None = None
    site_parent, site_folder = os.path.split(package_path)
    if PurePath(package_path).is_relative_to(os.path.abspath(prefix)):
        installed = os.path.abspath(prefix)
    elif site_folder.lower() == "site-packages":
        parent, folder = os.path.split(site_parent)
        if folder.lower() == "lib":  # Windows: prefix/Lib/site-packages
            installed = parent
        elif os.path.basename(parent).lower() == "lib":  # prefix/lib/pythonX.Y/site-packages
            installed = os.path.dirname(parent)
        else:
            installed = site_parent
    if installed is None:
        return os.path.join(package_path, "instance")
    return os.path.join(installed, "var", f"{APP_NAME}-instance")


def _problems(exc: ValidationError) -> Iterator[str]:
    for error in exc.errors(include_input=False, include_url=False, include_context=False):
        field = str(error["loc"][0]) if error["loc"] else ""
        name = field if field in Settings.model_fields else field.removeprefix(PREFIX)
        variable = " or ".join(variables(name)) if name in Settings.model_fields else field
        message = error["msg"].removeprefix("Value error, ")
        yield f"{variable}: {message[:1].lower()}{message[1:]}"


_warned: set[str] = set()


def unknown_names(environ: Mapping[str, str]) -> dict[str, str | None]:
    """SUITABILITY_* names in `environ` that are no setting -> the closest known name (or None)."""
    known = {PREFIX + name for name in Settings.model_fields}
    found: dict[str, str | None] = {}
    for variable in sorted(environ):
        if variable.startswith(PREFIX) and variable not in known and variable not in NOT_SETTINGS:
            close = difflib.get_close_matches(variable, sorted(known), n=1, cutoff=0.75)
            found[variable] = close[0] if close else None
    return found


def warn_unknown(environ: Mapping[str, str]) -> None:
    """Log each unknown SUITABILITY_* name once per process, with a suggestion when one is close."""
    for variable, close in unknown_names(environ).items():
        if variable not in _warned:
            _warned.add(variable)
            hint = f"; did you mean {close}?" if close else ""
            log.warning("%s is not a setting and is ignored%s", variable, hint)


def shown(name: str, value: Any) -> str:
    """A value as `suitability config` and the README show it: secrets masked, a database URL without password."""
    if value is None:
        return ""
    if name == "DATABASE_URL":
        return _without_password(_plain(value))
    if isinstance(value, SecretStr) or (isinstance(value, tuple) and value and isinstance(value[0], SecretStr)):
        return MASK
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _without_password(url: str) -> str:
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*:)[^/@]*@", rf"\g<1>{MASK}@", url)


def effective(settings: Settings, environ: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(variable, value shown, where it came from) for every setting, in declaration order."""
    return [(PREFIX + name, shown(name, getattr(settings, name)), settings.where(name, environ))
            for name in Settings.model_fields]


def markdown_table() -> str:
    """The README's table of settings, generated from the model."""
    rows = ["| Variable | Type | Default | What it does |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = shown(name, field.default)
        rows.append(f"| `{' / '.join(variables(name))}` | {_kind(field.annotation)} | "
                    f"{f'`{default}`' if default else '(unset)'} | {field.description} |")
    return "\n".join(rows) + "\n"


def _kind(annotation: Any) -> str:
    text = repr(annotation)
    for pattern, word in ((r"SecretStr", "secret"), (r"tuple\[str", "list"), (r"Literal\[(.*?)\]", "choice"),
                          (r"bool", "yes/no"), (r"int", "whole number"), (r"float", "seconds"), (r"str", "text")):
        if re.search(pattern, text):
            return word
    return "text"


def _plain(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _extra(extra: Any) -> dict[str, Any]:
    return extra if isinstance(extra, dict) else {}
