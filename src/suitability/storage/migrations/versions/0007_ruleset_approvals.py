"""Rule-set approvals: the clinical sign-off of rule-set versions, append-only (revocations are new rows).

Revision ID: 0007_ruleset_approvals
Revises: 0006_sign_in_attempts
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from suitability.storage.migrations.append_only import guard, unguard

revision = "0007_ruleset_approvals"
down_revision = "0006_sign_in_attempts"
branch_labels = None
depends_on = None



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
    guard("ruleset_approvals")


def downgrade() -> None:
    unguard("ruleset_approvals")
    op.drop_table("ruleset_approvals")
