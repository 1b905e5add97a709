"""gunicorn settings from the environment: `gunicorn -c python:suitability.web.gunicorn_conf suitability.web.wsgi:app`.

Every SUITABILITY_* variable below has a safe default, so the same command serves one laptop or one of several
app servers behind a load balancer (README, "Running several app servers").

- No `preload_app`: each worker imports the app itself, after the fork. The rule engine (durable-rules keeps
  its sessions in process memory), the database pool and the webhook sender thread are then born in the worker
  that uses them; nothing half-initialised crosses a fork. Migrations run in every worker at start and are
  serialised by the database (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), so only the first does
  any work.
- The access log names the method and the path only: no query string, no referrer, no user agent, never a body.
- With SUITABILITY_METRICS on, the workers count into one PROMETHEUS_MULTIPROC_DIR (a fresh temporary folder
  unless it is set; emptied at start) and a dead worker's live gauges are dropped: /metrics, answered by any
  worker, then adds up all of them (prometheus_client's multi-process mode).
- gunicorn trusts X-Forwarded-* only when the app does (SUITABILITY_TRUSTED_PROXIES > 0), so both agree on
  whether a request came over https.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping
from typing import Any

from ..settings import load_settings

# Method and path (PATH_INFO: no query string), status, bytes, time taken; nothing a patient typed.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
OFF = {"", "off", "none", "false"}


def cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """gunicorn's settings for this environment (a plain dict, so tests can check it without gunicorn); a bad
    value raises SettingsError naming the variable."""
    found = load_settings(environ)
    access = found.ACCESS_LOG.strip()
    return {
        "bind": [b.strip() for b in found.BIND.split(",") if b.strip()],
        "workers": found.WORKERS if found.WORKERS is not None else 2 * cores() + 1,
        "threads": found.THREADS,
        "worker_class": "gthread" if found.THREADS > 1 else "sync",
        "timeout": found.TIMEOUT,
        "graceful_timeout": found.GRACEFUL_TIMEOUT,
        "keepalive": found.KEEPALIVE,
        "max_requests": found.MAX_REQUESTS,
        "max_requests_jitter": found.MAX_REQUESTS_JITTER,
        "backlog": found.BACKLOG,
        "preload_app": False,
        "accesslog": None if access.lower() in OFF else access,
        "access_log_format": ACCESS_LOG_FORMAT,
        # Builds only the atoms ACCESS_LOG_FORMAT may show, not gunicorn's ~80 per request (access_log.py).
        "logger_class": "suitability.web.access_log.AccessLogger",
        "errorlog": found.ERROR_LOG.strip() or "-",
        "loglevel": found.LOG_LEVEL,
        "forwarded_allow_ips": found.FORWARDED_ALLOW_IPS.strip() if found.TRUSTED_PROXIES else "",
        "proc_name": "suitability",
        # gunicorn 24+ opens a control socket at one fixed path per user: two servers on one machine would
        # fight over it, and nothing here uses `gunicornc`.
        "control_socket_disable": True,
        # The workers' heartbeat files: in memory where there is /dev/shm, so a slow disk never gets a worker
        # killed for "timing out".
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
    }


_settings = settings(os.environ)
bind = _settings["bind"]
workers = _settings["workers"]
threads = _settings["threads"]
worker_class = _settings["worker_class"]
timeout = _settings["timeout"]
graceful_timeout = _settings["graceful_timeout"]
keepalive = _settings["keepalive"]
max_requests = _settings["max_requests"]
max_requests_jitter = _settings["max_requests_jitter"]
backlog = _settings["backlog"]
preload_app = _settings["preload_app"]
accesslog = _settings["accesslog"]
access_log_format = _settings["access_log_format"]
logger_class = _settings["logger_class"]
errorlog = _settings["errorlog"]
loglevel = _settings["loglevel"]
forwarded_allow_ips = _settings["forwarded_allow_ips"]
proc_name = _settings["proc_name"]
control_socket_disable = _settings["control_socket_disable"]
worker_tmp_dir = _settings["worker_tmp_dir"]


def prepare_metrics_dir(environ: dict[str, str] | os._Environ[str]) -> str | None:
    """With metrics on: PROMETHEUS_MULTIPROC_DIR set (a new temporary folder if it was not) and emptied of an
    earlier run's samples; the workers, forked after this, inherit it. None with metrics off."""
    if not load_settings(environ).METRICS:
        return None
    folder = environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="suitability-metrics-")
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.unlink(os.path.join(folder, name))
    environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return folder


def on_starting(server: Any) -> None:
    """In the master, before any worker is forked."""
    prepare_metrics_dir(os.environ)


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended: its live gauges no longer count (its counters and histograms still do)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def post_fork(server: Any, worker: Any) -> None:
    """In each new worker, before it imports the app: the app's own log records (loggers "suitability.*") go
    to gunicorn's error log at its level, stamped like gunicorn's lines. Without this Python would print only
    warnings and errors, bare, on standard error."""
    errors = logging.getLogger("gunicorn.error")
    ours = logging.getLogger("suitability")
    for handler in errors.handlers:
        if handler not in ours.handlers:
            ours.addHandler(handler)
    ours.setLevel(errors.level)
    ours.propagate = False


def post_worker_init(worker: Any) -> None:  # a gunicorn Worker (gunicorn ships no type hints)
    """SIGHUP to a worker means "reload the rules" (rules_reload), never gunicorn's default of ending it; what
    start-up built is frozen out of the cycle collector's scans (collector)."""
    from .collector import freeze_start_up
    from .rules_reload import install_signal_handler

    install_signal_handler()
    freeze_start_up()
