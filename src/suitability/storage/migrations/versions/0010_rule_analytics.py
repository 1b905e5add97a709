"""Which rules fired in each case's current decision and which decided it (`case_rules`), filled in for the cases
already stored, so rule analytics count rows instead of reading every decision document.

Revision ID: 0010_rule_analytics
Revises: 0009_case_details
Create Date: 2026-12-04
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0010_rule_analytics"
down_revision = "0009_case_details"
branch_labels = None
depends_on = None
BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "case_rules",
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", name="fk_case_rules_case_id_cases"),
                  nullable=False),
        sa.Column("rule_id", sa.String(100), nullable=False),
        sa.Column("decided", sa.Boolean(), nullable=False),
        sa.Column("case_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "rule_id", name="pk_case_rules"),
    )
    op.create_index("ix_case_rules_period", "case_rules", ["rule_id", "case_created_at", "decided"])
    op.create_index("ix_cases_outcome_period", "cases", ["outcome", "created_at"])
    _fill()


def _fill() -> None:
    """The cases stored before this revision get their rows from their own decision document."""
    bind = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.String), sa.column("decision", sa.JSON),
                     sa.column("created_at", sa.DateTime(timezone=True)))
    rows = sa.table("case_rules", sa.column("case_id", sa.String), sa.column("rule_id", sa.String),
                    sa.column("decided", sa.Boolean), sa.column("case_created_at", sa.DateTime(timezone=True)))
    pending: list[dict[str, object]] = []
    for case_id, document, created in bind.execute(sa.select(cases.c.id, cases.c.decision, cases.c.created_at)).all():
        if isinstance(document, str):  # a driver that hands JSON back as text
            document = json.loads(document)
        if isinstance(document, dict):
            pending += [{"case_id": case_id, "rule_id": rule_id, "decided": decided, "case_created_at": created}
                        for rule_id, decided in rules_of(document).items()]
        if len(pending) >= BATCH:
            bind.execute(sa.insert(rows), pending)
            pending = []
    if pending:
        bind.execute(sa.insert(rows), pending)


def rules_of(document: dict[str, object]) -> dict[str, bool]:
    """Rule id -> decided, as storage.case_rules reads it on the day of this revision (kept here, frozen)."""
    outcome = document.get("outcome")
    found: dict[str, bool] = {}
    findings = document.get("findings")
    for finding in findings if isinstance(findings, list) else ():
        if isinstance(finding, dict) and isinstance(finding.get("rule_id"), str):
            rule_id = finding["rule_id"][:100]
            decided = outcome != "suitable" and finding.get("outcome") == outcome
            found[rule_id] = found.get(rule_id, False) or decided
    return found


def downgrade() -> None:
    op.drop_index("ix_cases_outcome_period", table_name="cases")
    op.drop_index("ix_case_rules_period", table_name="case_rules")
    op.drop_table("case_rules")
