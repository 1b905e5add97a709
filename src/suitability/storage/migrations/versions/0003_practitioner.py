"""Practitioner review: accounts, append-only reviews, and a review version on cases (optimistic concurrency).

Revision ID: 0003_practitioner
Revises: 0002_integrations
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from suitability.storage.migrations.append_only import guard, unguard

revision = "0003_practitioner"
down_revision = "0002_integrations"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

OUTCOMES = "'suitable', 'suitable_with_precautions', 'review', 'defer', 'not_suitable'"
ACTIONS = "'approve', 'approve_with_conditions', 'decline', 'defer', 'request_information'"
REASONS = ("'clinical-judgement', 'patient-informed-consent', 'information-verified', 'engine-error', "
           "'other'")


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("review_version", sa.Integer(), nullable=False, server_default="0"))

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.CheckConstraint("role IN ('practitioner', 'admin')", name="ck_users_role"),
    )

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("depth_limits", JSON, nullable=False),
        sa.Column("defer_until", sa.Date(), nullable=True),
        sa.Column("override_reason", sa.String(32), nullable=True),
        sa.Column("override_note", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("ruleset_version", sa.String(64), nullable=False),
        sa.Column("case_outcome", sa.String(32), nullable=False),
        sa.Column("case_version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_reviews_case_id_cases"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name="fk_reviews_reviewer_id_users"),
        sa.CheckConstraint(f"action IN ({ACTIONS})", name="ck_reviews_action"),
        sa.CheckConstraint(f"override_reason IS NULL OR override_reason IN ({REASONS})",
                           name="ck_reviews_override_reason"),
        sa.CheckConstraint(f"case_outcome IN ({OUTCOMES})", name="ck_reviews_case_outcome"),
    )
    op.create_index("ix_reviews_case_id", "reviews", ["case_id"])
    op.create_index("ix_reviews_reviewer_id", "reviews", ["reviewer_id"])
    op.create_index("ix_reviews_at", "reviews", ["at"])

    guard("reviews")


def downgrade() -> None:
    unguard("reviews")
    op.drop_table("reviews")
    op.drop_table("users")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("review_version")
