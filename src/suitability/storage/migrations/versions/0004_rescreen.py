"""Re-screening: the append-only history of every decision a case had, and the rule-set archive.

Existing cases get their current decision as the first ('submitted') row of their history.

Revision ID: 0004_rescreen
Revises: 0003_practitioner
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from suitability.storage.migrations.append_only import guard, unguard

revision = "0004_rescreen"
down_revision = "0003_practitioner"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
GUARDED = ("case_decisions", "rulesets")
OUTCOMES = "'suitable', 'suitable_with_precautions', 'review', 'defer', 'not_suitable'"
BACKFILL = (
    "INSERT INTO case_decisions (case_id, decision, outcome, ruleset_version, profile, reason, actor, at) "
    "SELECT id, decision, outcome, ruleset_version, profile, 'submitted', 'migration:0004', created_at "
    "FROM cases ORDER BY created_at, id"
)


def upgrade() -> None:
    op.create_table(
        "rulesets",
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("files", JSON, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_rulesets"),
    )
    op.create_table(
        "case_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("decision", JSON, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("ruleset_version", sa.String(64), nullable=False),
        sa.Column("profile", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_decisions"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_decisions_case_id_cases"),
        sa.CheckConstraint("reason IN ('submitted', 'rescreen')", name="ck_case_decisions_reason"),
        sa.CheckConstraint(f"outcome IN ({OUTCOMES})", name="ck_case_decisions_outcome"),
    )
    op.create_index("ix_case_decisions_case_id", "case_decisions", ["case_id"])
    op.execute(BACKFILL)

    for table in GUARDED:
        guard(table)


def downgrade() -> None:
    for table in GUARDED:
        unguard(table)
    op.drop_table("case_decisions")
    op.drop_table("rulesets")
