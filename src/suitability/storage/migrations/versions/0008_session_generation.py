"""Practitioner sessions end on the server: a per-account session generation that sign-out, disabling and a
password change move on, so every copy of an older session cookie is refused on every app server.

Revision ID: 0008_session_generation
Revises: 0007_ruleset_approvals
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_session_generation"
down_revision = "0007_ruleset_approvals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
