"""A case written straight into the cases table at an old schema revision: the ORM model has the newest columns,
so a migration test that starts from an older revision inserts with the columns that revision had."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, text

OLD_CASE = ("INSERT INTO cases (id, reference, created_at, source, intake, decision, outcome, ruleset_version, "
            "profile, needs_review, review_status) VALUES (:id, :reference, CURRENT_TIMESTAMP, 'web', :intake, "
            ":decision, :outcome, :version, 'conservative', :needs_review, 'open')")


def insert_old_case(engine: Engine, case_id: str, reference: str, intake: dict[str, Any],
                    decision: dict[str, Any]) -> None:
    """Store one web case with the columns of the first schema revision."""
    with engine.begin() as connection:
        connection.execute(text(OLD_CASE), {
            "id": case_id, "reference": reference, "intake": json.dumps(intake), "decision": json.dumps(decision),
            "outcome": decision["outcome"], "version": decision["ruleset_version"],
            "needs_review": bool(decision.get("needs_review", False))})
