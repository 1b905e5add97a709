"""The database half of "append-only": triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).

Shared by the migrations that create guarded tables. The statements are part of the schema history, so never
change what these functions emit; add a new function for a new kind of guard.
"""

from __future__ import annotations

from alembic import op


def sqlite_triggers(table: str) -> tuple[str, ...]:
    """SQLite: one trigger per refused verb (a rebuilt table loses them; create them again)."""
    return tuple(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                 "BEGIN SELECT RAISE(ABORT, 'append-only'); END" for verb in ("UPDATE", "DELETE"))


def postgresql_statements(table: str) -> tuple[str, ...]:
    """PostgreSQL: a function raising insufficient_privilege, a row trigger and a TRUNCATE trigger."""
    function = (f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n    RAISE EXCEPTION '{table} is append-only' USING ERRCODE = 'insufficient_privilege';\n"
                "END\n$$")
    change = (f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
              f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")
    truncate = (f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()")
    return function, change, truncate


def guard(table: str) -> None:
    """Make `table` append-only in the database of the running migration."""
    dialect = op.get_bind().dialect.name
    statements = (postgresql_statements(table) if dialect == "postgresql"
                  else sqlite_triggers(table) if dialect == "sqlite" else ())
    for statement in statements:
        op.execute(statement)


def unguard(table: str) -> None:
    """Drop the PostgreSQL guard before dropping `table` (SQLite triggers go with their table)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
