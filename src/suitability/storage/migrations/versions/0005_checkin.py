"""Check-in: a decision's history may say 'checkin', and keeps the answers a check-in replaced.

A check-in asks again the answers that have run out, so the case row then holds the new answers; the history
row of the check-in keeps the answers it replaced (`previous_intake`), so nothing a patient said is lost.

SQLite cannot alter a CHECK constraint in place: the table is rebuilt (batch mode), which drops its
append-only triggers, so they are created again here.

Revision ID: 0005_checkin
Revises: 0004_rescreen
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from suitability.storage.migrations.append_only import sqlite_triggers

revision = "0005_checkin"
down_revision = "0004_rescreen"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TABLE = "case_decisions"
CHECK = "ck_case_decisions_reason"
BEFORE = "reason IN ('submitted', 'rescreen')"
AFTER = "reason IN ('submitted', 'rescreen', 'checkin')"


def _change(check: str, add: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(TABLE, recreate="always") as batch:
            batch.drop_constraint(CHECK, type_="check")
            batch.create_check_constraint(op.f(CHECK), check)
            if add:
                batch.add_column(sa.Column("previous_intake", JSON, nullable=True))
            else:
                batch.drop_column("previous_intake")
        for statement in sqlite_triggers(TABLE):  # the rebuilt table has none
            op.execute(statement)
        return
    op.drop_constraint(CHECK, TABLE, type_="check")
    op.create_check_constraint(op.f(CHECK), TABLE, check)
    if add:
        op.add_column(TABLE, sa.Column("previous_intake", JSON, nullable=True))
    else:
        op.drop_column(TABLE, "previous_intake")


def upgrade() -> None:
    _change(AFTER, add=True)


def downgrade() -> None:
    """Refused by the CHECK constraint while any check-in is in the history (it is append-only)."""
    _change(BEFORE, add=False)
