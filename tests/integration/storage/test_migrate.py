"""Migrations: they build exactly the models' schema, run from code and CLI; upgrading twice is a no-op."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from suitability.cli import main
from suitability.storage import (
    Database,
    StorageError,
    current_revision,
    database_url,
    head_revision,
    make_engine,
    models_all,
    upgrade,
)


def test_an_empty_database_is_upgraded_to_the_newest_revision(empty_url: str) -> None:
    engine = make_engine(empty_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert {"cases", "audit_events", "alembic_version"} <= set(inspect(engine).get_table_names())
    upgrade(engine)  # again: nothing to do, no error
    engine.dispose()


def test_the_migrations_build_exactly_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       models_all().metadata)
    assert differences == []


def test_several_processes_starting_at_once_upgrade_once(empty_url: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            database = Database(empty_url)
            database.ensure_schema()
            database.dispose()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = make_engine(empty_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_default_database_is_an_sqlite_file_in_the_instance_folder(tmp_path: Path) -> None:
    url = database_url(None, tmp_path)
    assert url == f"sqlite:///{tmp_path / 'suitability.sqlite3'}"
    assert database_url("postgres://u@h/d", tmp_path) == "postgresql+psycopg://u@h/d"
    assert database_url("postgresql://u@h/d", tmp_path) == "postgresql+psycopg://u@h/d"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    database = Database(database_url(None, tmp_path))
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()


@pytest.mark.parametrize("url", ["not a url", "mysql://u@h/d"])
def test_an_unusable_database_url_is_a_storage_error(url: str) -> None:
    with pytest.raises(StorageError):
        make_engine(url)


def test_an_unreachable_database_is_a_storage_error_not_a_crash(tmp_path: Path) -> None:
    database = Database("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    with pytest.raises(StorageError):
        database.ensure_schema()
    assert database.ping() is False


def test_the_db_upgrade_command_migrates_the_configured_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = database_url(None, tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SUITABILITY_DATABASE_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert head_revision() in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    assert f"current: {head_revision()}" in capsys.readouterr().out
