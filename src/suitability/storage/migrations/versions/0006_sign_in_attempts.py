"""Sign-in throttling per client: refused sign-ins counted in the database, shared by every app server.

Revision ID: 0006_sign_in_attempts
Revises: 0005_checkin
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_sign_in_attempts"
down_revision = "0005_checkin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_attempts"),
        sa.CheckConstraint("outcome IN ('failed', 'throttled')", name="ck_sign_in_attempts_outcome"),
    )
    op.create_index("ix_sign_in_attempts_client_at", "sign_in_attempts", ["client", "at"])
    op.create_index("ix_sign_in_attempts_at", "sign_in_attempts", ["at"])


def downgrade() -> None:
    op.drop_table("sign_in_attempts")
