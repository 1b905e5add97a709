"""Migration 0008_session_generation on a database with accounts: every account keeps working at generation 0,
ending its sessions moves the generation on, and the migration goes down again (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from suitability.storage import Database, make_engine, upgrade
from suitability.storage.accounts import end_sessions, find_user
from suitability.storage.migrate import alembic_config

ADD = ("INSERT INTO users (username, display_name, role, password_hash, active, created_at, failed_logins) "
       "VALUES ('old', 'Old Account', 'practitioner', 'x', :yes, CURRENT_TIMESTAMP, 0)")


def test_accounts_made_before_the_migration_start_at_generation_zero(empty_url: str) -> None:
    engine = make_engine(empty_url)
    upgrade(engine, "0007_ruleset_approvals")
    with engine.begin() as connection:
        connection.execute(text(ADD), {"yes": True})
    upgrade(engine)
    with Session(engine) as session:
        user = find_user(session, "old")
        assert user is not None and user.session_generation == 0
        end_sessions(session, user)
        session.commit()
        assert session.scalar(text("SELECT session_generation FROM users WHERE username = 'old'")) == 1
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0007_ruleset_approvals")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT username FROM users")).scalar() == "old"
    engine.dispose()


def test_the_newest_schema_has_the_generation(db: Database) -> None:
    with db.engine.connect() as connection:
        columns = connection.execute(text("SELECT session_generation FROM users")).fetchall()
    assert columns == []
