"""Production serving: gunicorn's settings come from the environment, several workers start at once on a fresh
SQLite file without tripping over each other's migrations, and the access log never holds a query string."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from gunicorn.config import Config
from gunicorn.glogging import Logger
from sqlalchemy import text

from tests.common.gunicorn_support import Gunicorn, free_port

from suitability.cli.serve import gunicorn_argv
from suitability.errors import SuitabilityError
from suitability.storage import head_revision
from suitability.web.access_log import SAFE_ATOMS, AccessLogger
from suitability.web.gunicorn_conf import cores, settings


def test_defaults_are_two_workers_per_core_plus_one_on_loopback_without_trusting_forwarded_headers() -> None:
    conf = settings({})
    assert conf["workers"] == 2 * cores() + 1
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["worker_class"] == "sync" and conf["threads"] == 1
    assert conf["forwarded_allow_ips"] == ""
    assert conf["preload_app"] is False
    assert conf["accesslog"] == "-" and conf["control_socket_disable"] is True


def test_environment_sets_workers_bind_threads_and_timeouts() -> None:
    conf = settings({"SUITABILITY_WORKERS": "3", "SUITABILITY_BIND": "0.0.0.0:9000, [::]:9000",
                     "SUITABILITY_THREADS": "4", "SUITABILITY_TIMEOUT": "20", "SUITABILITY_GRACEFUL_TIMEOUT": "7",
                     "SUITABILITY_ACCESS_LOG": "off"})
    assert conf["workers"] == 3 and conf["bind"] == ["0.0.0.0:9000", "[::]:9000"]
    assert conf["worker_class"] == "gthread" and conf["threads"] == 4
    assert (conf["timeout"], conf["graceful_timeout"]) == (20, 7)
    assert conf["accesslog"] is None


def test_forwarded_headers_are_trusted_by_gunicorn_exactly_when_the_app_trusts_proxies() -> None:
    assert settings({"SUITABILITY_TRUSTED_PROXIES": "0"})["forwarded_allow_ips"] == ""
    assert settings({"SUITABILITY_TRUSTED_PROXIES": "1"})["forwarded_allow_ips"] == "*"
    narrowed = settings({"SUITABILITY_TRUSTED_PROXIES": "1", "SUITABILITY_FORWARDED_ALLOW_IPS": "10.0.0.0/8"})
    assert narrowed["forwarded_allow_ips"] == "10.0.0.0/8"


@pytest.mark.parametrize("name, value", [("SUITABILITY_WORKERS", "many"), ("SUITABILITY_WORKERS", "0"),
                                         ("SUITABILITY_TRUSTED_PROXIES", "-1")])
def test_a_bad_setting_is_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(SuitabilityError, match=name):
        settings({name: value})


def test_the_access_log_format_has_no_query_string_referrer_or_user_agent() -> None:
    fmt = settings({})["access_log_format"]
    for part in ("%(r)s", "%(q)s", "%(f)s", "%(a)s", "%(u)s"):
        assert part not in fmt
    assert "%(U)s" in fmt


def _access_line(logger_class: type, fmt: str) -> str:
    """The access-log line `logger_class` writes in `fmt` for one request carrying a query string, referrer,
    user agent and a cookie."""
    environ = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "POST", "PATH_INFO": '/questions/about-"you"',
               "QUERY_STRING": "nhs=9434765919", "RAW_URI": "/questions/about-you?nhs=9434765919",
               "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_REFERER": "https://example.org/?email=jo",
               "HTTP_USER_AGENT": "secret-agent", "HTTP_COOKIE": "session=answers"}
    resp = SimpleNamespace(status="302 FOUND", sent=189, headers=[("Location", "/questions/skin?x=1")])
    req = SimpleNamespace(headers=[("COOKIE", "session=answers"), ("USER-AGENT", "secret-agent")])
    logger = logger_class(Config())
    logger.now = lambda: "[25/Nov/2026:16:00:00 +0000]"  # type: ignore[method-assign]
    atoms = logger.atoms_wrapper_class(logger.atoms(resp, req, environ, timedelta(seconds=1, microseconds=2500)))
    return fmt % atoms


def test_our_access_logger_writes_gunicorns_line_for_our_format_and_dashes_for_anything_else() -> None:
    conf = settings({})
    assert conf["logger_class"] == "suitability.web.access_log.AccessLogger"
    fmt = conf["access_log_format"]
    assert set(re.findall(r"%\((\w)\)s", fmt)) <= SAFE_ATOMS
    ours = _access_line(AccessLogger, fmt)
    assert ours == _access_line(Logger, fmt)  # the same line gunicorn's own logger writes
    assert ours.endswith('"POST /questions/about-\\"you\\" HTTP/1.1" 302 189 1002ms')
    nosy = "%(r)s %(q)s %(f)s %(a)s %({cookie}i)s %({location}o)s %({http_cookie}e)s %(u)s %(p)s"
    assert _access_line(AccessLogger, nosy) == " ".join(["-"] * 9)
    assert "9434765919" in _access_line(Logger, nosy)  # what gunicorn's own logger would have shown


def test_serve_production_hands_over_to_gunicorn_with_our_settings() -> None:
    argv = gunicorn_argv(None, None)
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert argv[-1] == "suitability.web.wsgi:app" and "python:suitability.web.gunicorn_conf" in argv
    assert "--bind" not in argv  # SUITABILITY_BIND decides
    assert gunicorn_argv("0.0.0.0", 8080)[-3:-1] == ["--bind", "0.0.0.0:8080"]


def test_four_workers_booting_at_once_on_a_fresh_sqlite_file_migrate_it_once_and_all_serve(tmp_path: Path) -> None:
    command = [str(Path(sys.executable).with_name("suitability")), "serve", "--production"]
    with Gunicorn(tmp_path, workers=4, command=command) as server:
        workers = server.wait_for_workers(4)
        answers = server.health_by_worker(4)  # each of the four, by pid, booted and answers (not just the fastest)
        assert set(answers) == workers and {a["status"] for a in answers.values()} == {"ok"}
        for _ in range(20):
            assert requests.get(server.url + "/healthz", timeout=30).json()["status"] == "ok"
        assert server.worker_pids() == workers  # none died and was replaced
        database = server.database()
        with database.engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        database.dispose()
        log = server.log()
    assert versions == [head_revision()]
    assert log.count("Booting worker") == 4
    for trouble in ("Traceback", "database not ready", "Worker exited", "failed to boot", "upgrade failed"):
        assert trouble not in log


def test_the_access_log_names_the_path_but_never_the_query_string_or_a_form_body(tmp_path: Path) -> None:
    with Gunicorn(tmp_path, workers=1) as server:
        requests.get(server.url + "/healthz?email=jo.bloggs%40example.org", timeout=30)
        requests.post(server.url + "/start?nhs=9434765919", data={"consent": "yes", "note": "pregnant-secret"},
                      timeout=30)
    log = server.log()
    assert '"GET /healthz HTTP/1.1" 200' in log and '"POST /start HTTP/1.1"' in log
    for leaked in ("jo.bloggs", "example.org", "9434765919", "pregnant-secret", "email=", "nhs="):
        assert leaked not in log


def test_sighup_to_a_worker_asks_for_a_rules_reload_and_does_not_end_it(tmp_path: Path) -> None:
    with Gunicorn(tmp_path, workers=1) as server:
        (worker,) = server.wait_for_workers(1)
        os.kill(worker, signal.SIGHUP)
        time.sleep(1)
        assert requests.get(server.url + "/healthz", timeout=30).json()["status"] == "ok"
        assert server.worker_pids() == {worker}


def test_the_apps_own_log_records_reach_gunicorns_error_log_stamped_and_levelled(tmp_path: Path) -> None:
    nowhere = f"postgresql://nobody@127.0.0.1:{free_port()}/none"  # nothing listens: the app logs an error
    server = Gunicorn(tmp_path, workers=1, database_url=nowhere)
    server.launch()
    try:
        log = server.wait_for_log("database not ready at start")
    finally:
        server.stop()
    line = next(x for x in log.splitlines() if "database not ready at start" in x)
    assert "[ERROR]" in line and line.startswith("[20")  # gunicorn's format: [date] [pid] [LEVEL] message
