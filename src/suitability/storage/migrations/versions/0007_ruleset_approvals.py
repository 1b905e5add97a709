"""Rule-set approvals: the clinical sign-off of rule-set versions, append-only (revocations are new rows).

Revision ID: 0007_ruleset_approvals
Revises: 0006_sign_in_attempts
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_ruleset_approvals"
down_revision = "0006_sign_in_attempts"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE FUNCTION ruleset_approvals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ruleset_approvals is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGERS = (
    ("CREATE TRIGGER ruleset_approvals_no_change BEFORE UPDATE OR DELETE ON ruleset_approvals "
     "FOR EACH ROW EXECUTE FUNCTION ruleset_approvals_append_only()"),
    ("CREATE TRIGGER ruleset_approvals_no_truncate BEFORE TRUNCATE ON ruleset_approvals "
     "FOR EACH STATEMENT EXECUTE FUNCTION ruleset_approvals_append_only()"),
)
SQLITE_TRIGGERS = tuple(
    f"CREATE TRIGGER ruleset_approvals_no_{verb.lower()} BEFORE {verb} ON ruleset_approvals "
    "BEGIN SELECT RAISE(ABORT, 'append-only'); END"
    for verb in ("UPDATE", "DELETE")
)


def upgrade() -> None:
    op.create_table(
        "ruleset_approvals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ruleset_approvals"),
        sa.ForeignKeyConstraint(["approved_by"], ["users.id"], name="fk_ruleset_approvals_approved_by_users"),
        sa.CheckConstraint("action IN ('approve', 'revoke')", name="ck_ruleset_approvals_action"),
    )
    op.create_index("ix_ruleset_approvals_version", "ruleset_approvals", ["version"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    elif dialect == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ruleset_approvals_no_truncate ON ruleset_approvals")
        op.execute("DROP TRIGGER IF EXISTS ruleset_approvals_no_change ON ruleset_approvals")
        op.execute("DROP FUNCTION IF EXISTS ruleset_approvals_append_only()")
    op.drop_table("ruleset_approvals")
