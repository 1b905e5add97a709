"""A stored case in the form a practitioner reads it: answers as the patient saw them, the decision explained."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ...clock import fmt_date
from ...deciding.what_would_change import decisive_findings
from ...decision import Decision, DepthLimit, Finding
from ...rules.loading import RuleSet
from ...services.cases import VIEWS, AuditEvent, Case, Review, User
from ...vocabulary import Area, Concern
from ...wording.labels import LABELS
from ..i18n import _
from ..patient.present import SummaryRow, summary
from .plain_words import action_words, outcome_words


@dataclass(frozen=True)
class Treatment:
    """A treatment asked for, in words, with the rules' depth limit (None: not to be treated as it stands)."""

    index: int
    label: str
    limit: DepthLimit | None


@dataclass(frozen=True)
class Source:
    """A finding's source: its key, title and link (only an https one)."""

    key: str
    title: str
    url: str | None


@dataclass(frozen=True)
class HistoryItem:
    """One line of a case's history: when, who, what, and its detail in words."""

    at: dt.datetime
    who: str
    what: str
    detail: str


def by_treatment(limits: dict[str, float]) -> list[tuple[str, float]]:
    """A review's depth limits in treatment order (the JSON keys are text: '10' sorts before '2')."""
    return sorted(limits.items(), key=lambda item: int(item[0]))


def answers_of(intake: dict[str, Any]) -> dict[str, Any]:
    """Stored intake JSON as the form's answers (treatments as [area, concern] pairs), for `summary`."""
    out = {name: value for name, value in intake.items() if value not in (None, "", [])}
    out["treatments"] = [[t["area"], t["concern"]] for t in intake.get("treatments") or []]
    return out


def answer_sections(case: Case) -> list[tuple[Any, list[SummaryRow]]]:
    """The answers grouped by the pages the patient filled in, in the same words."""
    return summary(answers_of(case.intake))


def reasons(decision: Decision) -> list[str]:
    """Why the rules decided as they did, in the rule titles' words: the findings that set the outcome first,
    then the rest, each once."""
    decisive = decisive_findings(decision)
    return list(dict.fromkeys(f.title for f in [*decisive, *decision.findings]))


def notable_answers(sections: list[tuple[Any, list[SummaryRow]]]) -> list[SummaryRow]:
    """The answers a practitioner must see at once: every one that is not a plain "No" nor left blank."""
    quiet = {"No", "Left blank", "Not answered"}
    return [row for _, rows in sections for row in rows if row.answer not in quiet or row.missing]


def treatments(case: Case, decision: Decision) -> list[Treatment]:
    """The treatments asked for, each with the rules' depth limit (None: not to be treated as they stand)."""
    limits = {limit.treatment: limit for limit in decision.depth_limits}
    out = []
    for index, item in enumerate(case.intake.get("treatments") or []):
        label = f"{_(LABELS[Area][item['area']])}: {_(LABELS[Concern][item['concern']]).lower()}"
        out.append(Treatment(index, label, limits.get(index)))
    return out


def sources(finding: Finding, ruleset: RuleSet | None) -> list[Source]:
    """A finding's sources with their titles from the loaded rule set (just the key if it no longer has it)."""
    known = ruleset.sources if ruleset is not None else {}
    out = []
    for key in finding.sources:
        source = known.get(key)
        url = source.url if source is not None and source.url and source.url.startswith("https://") else None
        out.append(Source(key, source.title if source is not None else "", url))
    return out


def history(events: list[AuditEvent], reviews: list[tuple[Review, User]]) -> list[HistoryItem]:
    """Audit events and decisions, oldest first; the decision rows carry what the practitioner wrote.

    Views (who opened the case) are left out: the page lists recent ones apart, and the audit keeps them all.
    """
    items = [HistoryItem(e.at, e.actor, action_words(e.action),
                         f"rule set {e.ruleset_version}" if e.ruleset_version else "")
             for e in events if e.action != "case.reviewed" and e.action not in VIEWS]
    for review, user in reviews:
        parts = [f"rule set {review.ruleset_version}, the rules said {outcome_words(review.case_outcome).lower()}"]
        if review.depth_limits:
            parts.append("depth " + ", ".join(f"treatment {int(i) + 1}: {mm:g} mm"
                                               for i, mm in by_treatment(review.depth_limits)))
        if review.defer_until:
            parts.append(f"deferred to {fmt_date(review.defer_until)}")
        if review.override_reason:
            parts.append(f"override: {review.override_reason.value.replace('_', ' ')} ({review.override_note})")
        if review.note:
            parts.append(f"note: {review.note}")
        items.append(HistoryItem(review.at, user.display_name, review.action.value.replace("_", " ").capitalize(),
                                 "; ".join(parts)))
    return sorted(items, key=lambda item: item.at)
