"""`case_rules`: which rules fired in each case's current decision and which of them decided it.

A copy of the findings in the case's decision document, kept so rule analytics count with one indexed GROUP BY
instead of reading every decision document. `replace_case_rules` is called wherever a decision is recorded
(history.record_decision: submission, accepted re-screen, check-in), so the rows always follow the case's
current decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Table, delete, insert, literal, select, union_all
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..vocabulary import Outcome
from .models import Base, Case
from .types import UTCDateTime


class CaseRule(Base):
    """One rule that fired in a case's current decision; `decided` when it set the case's outcome."""

    __tablename__ = "case_rules"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    decided: Mapped[bool] = mapped_column(Boolean)
    # The case's storing time, copied so a period's counts read this table's index alone.
    case_created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    # Rule by rule, then by time: a period's counts group in index order, without a sort.
    __table_args__ = (Index("ix_case_rules_period", "rule_id", "case_created_at", "decided"),)

    def __repr__(self) -> str:
        return f"<CaseRule {self.rule_id} {'decided' if self.decided else 'fired'}>"


def rules_of(document: Mapping[str, Any]) -> dict[str, bool]:
    """Rule id -> whether it decided, from a stored decision document.

    A rule decided the case when one of its findings has the decision's own outcome (several rules can; a
    `suitable` decision has none). A document that cannot be read yields no rows rather than an error.
    """
    outcome = document.get("outcome")
    found: dict[str, bool] = {}
    for finding in document.get("findings") or ():
        if not isinstance(finding, Mapping) or not isinstance(finding.get("rule_id"), str):
            continue
        rule_id = finding["rule_id"][:100]
        decided = outcome != Outcome.SUITABLE.value and finding.get("outcome") == outcome
        found[rule_id] = found.get(rule_id, False) or decided
    return found


def replace_case_rules(session: Session, case_id: str, document: Mapping[str, Any]) -> None:
    """Make the case's rows those of `document`, in the caller's transaction (the caller commits).

    Table statements, not ORM objects: a case's rows are replaced twice in one transaction when its
    first decision is recorded late (history.record_submitted_if_missing), and ORM objects with the same key
    would collide in the session. The case row must already be written (store_submission flushes it first).
    """
    table: Table = CaseRule.__table__  # type: ignore[assignment]  # declared by this module, a Table
    found = rules_of(document)
    # No autoflush: the caller may still be filling in the decision's history row, which must be inserted whole.
    with session.no_autoflush:
        session.execute(delete(table).where(table.c.case_id == case_id))
        if not found:
            return
        # One INSERT ... SELECT takes the case's storing time from its row: no extra read on the submission path,
        # and no row at all when the case is not written yet.
        rows = [select(literal(case_id, String()), literal(rule_id, String()), literal(decided, Boolean()),
                       Case.created_at).where(Case.id == case_id) for rule_id, decided in found.items()]
        columns = ["case_id", "rule_id", "decided", "case_created_at"]
        session.execute(insert(table).from_select(columns, rows[0] if len(rows) == 1 else union_all(*rows)))


# Outcomes per week count ranges of this index, never the case rows with their documents.
Index("ix_cases_outcome_period", Case.outcome, Case.created_at)
