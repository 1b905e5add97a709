"""What the practitioners' queue filters and searches by, and what the patient answered in: a case's appointment
date (copied from its intake, filled in for the cases already stored), language, an integration's own reference
and, where the clinic collects them, a name and contact; and the scopes of an API key.

Revision ID: 0009_case_details
Revises: 0008_session_generation
Create Date: 2026-12-04
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0009_case_details"
down_revision = "0008_session_generation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("appointment_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("language", sa.String(16), nullable=True))
        batch.add_column(sa.Column("external_reference", sa.String(200), nullable=True))
        batch.add_column(sa.Column("contact_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("contact_detail", sa.String(320), nullable=True))
        batch.create_index("ix_cases_appointment_date", ["appointment_date"])
        batch.create_index("ix_cases_external_reference", ["external_reference"])
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("scopes", sa.String(200), nullable=True))
    _copy_appointment_dates()


def _copy_appointment_dates() -> None:
    """The cases stored before this revision get their appointment date from their own intake."""
    bind = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.String), sa.column("intake", sa.JSON),
                     sa.column("appointment_date", sa.Date))
    for case_id, intake in bind.execute(sa.select(cases.c.id, cases.c.intake)).all():
        if isinstance(intake, str):  # a driver that hands JSON back as text
            intake = json.loads(intake)
        text = (intake or {}).get("appointment_date") if isinstance(intake, dict) else None
        try:
            when = dt.date.fromisoformat(text) if isinstance(text, str) else None
        except ValueError:
            when = None
        if when is not None:
            bind.execute(sa.update(cases).where(cases.c.id == case_id).values(appointment_date=when))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("scopes")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_external_reference")
        batch.drop_index("ix_cases_appointment_date")
        batch.drop_column("contact_detail")
        batch.drop_column("contact_name")
        batch.drop_column("external_reference")
        batch.drop_column("language")
        batch.drop_column("appointment_date")
