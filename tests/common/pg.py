"""A real PostgreSQL for tests: DATABASE_URL_TEST if set, else a throwaway server started once per session.

tests/conftest.py registers this module's fixtures for the whole suite: request `postgres_server` (a ServerInfo)
and call `.create_database()` for a fresh, empty database per test, or request `db` for a Database of each kind. Without PostgreSQL binaries
the tests skip, except under CI=true, where they fail (.ci/run installs postgresql).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from suitability.storage import Database, database_url


@dataclass
class ServerInfo:
    """A PostgreSQL server that tests may create databases on."""

    admin_url: str  # a database on it whose user may CREATE DATABASE
    created: list[str] = field(default_factory=list)

    def create_database(self) -> str:
        """A new empty database; returns its postgresql+psycopg URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_created(self) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
        self.created.clear()


def _binaries() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Throwaway:
    """initdb + pg_ctl in a temporary folder; as the `postgres` user if we are root (postgres refuses it)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="suitability-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-instructions")
        options = f"-k {self.root} -h 127.0.0.1 -p {self.port} -c fsync=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "log"), "-w", "-t", "60", "start")
        url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                engine = create_engine(url)
                with engine.connect():
                    pass
                engine.dispose()
                return url
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.root, ignore_errors=True)


_server: ServerInfo | None = None


def _start(config: pytest.Config) -> ServerInfo:
    global _server
    if _server is not None:
        return _server
    given = os.environ.get("DATABASE_URL_TEST")
    if given:
        scheme = "postgresql://"
        url = "postgresql+psycopg://" + given[len(scheme):] if given.startswith(scheme) else given
        _server = ServerInfo(url)
    else:
        bin_dir = _binaries()
        if bin_dir is None:
            reason = "no PostgreSQL binaries (initdb, pg_ctl) and no DATABASE_URL_TEST"
            if os.environ.get("CI") == "true":
                pytest.fail(reason + " under CI=true", pytrace=False)
            pytest.skip(reason)
        throwaway = _Throwaway(bin_dir)
        try:
            _server = ServerInfo(throwaway.start())
        except Exception:
            throwaway.stop()
            raise
        config.add_cleanup(throwaway.stop)
    config.add_cleanup(_server.drop_created)
    return _server


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> ServerInfo:
    """The session's PostgreSQL server (started on first use, stopped at the end)."""
    return _start(request.config)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A Database at the newest schema revision: an SQLite file, then a fresh database on the real PostgreSQL."""
    if request.param == "sqlite":
        url = database_url(None, tmp_path)
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    database = Database(url)
    database.ensure_schema()
    yield database
    database.dispose()
