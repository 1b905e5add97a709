"""A queue row as a clinic day reads it: appointment, reasons, flags, treatments, source and whether a check-in
is due, in words, from the stored case (its decision JSON is read, never re-screened)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ...services.cases import Case
from ...vocabulary import Area, Concern, Outcome
from ...wording.labels import LABELS
from .plain_words import flag_words, outcome_words

SOURCES = {"web": _l("Patient form"), "api": _l("API"), "fhir": _l("FHIR")}


@dataclass(frozen=True)
class QueueRow:
    """What one queue line shows; `checkin_due` when the answers run out before the appointment (or today)."""

    case: Case
    outcome: str
    reasons: tuple[str, ...]
    flags: tuple[str, ...]
    treatments: tuple[str, ...]
    source: str
    checkin_due: bool


def _findings(decision: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in decision.get("findings") or [] if isinstance(f, dict)]


def _reasons(decision: dict[str, Any]) -> tuple[str, ...]:
    """The titles of the findings with the decision's own outcome first, then the rest, each once."""
    outcome = decision.get("outcome")
    ordered = sorted(_findings(decision), key=lambda f: f.get("outcome") != outcome)
    return tuple(dict.fromkeys(str(f.get("title", "")) for f in ordered if f.get("title")))


def _treatment(item: dict[str, Any]) -> str:
    area = LABELS[Area].get(str(item.get("area")), str(item.get("area", "")).replace("_", " "))
    concern = LABELS[Concern].get(str(item.get("concern")), str(item.get("concern", "")).replace("_", " "))
    return f"{area}: {concern.lower()}"


def _day(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def queue_row(case: Case, today: dt.date) -> QueueRow:
    """The row for `case`; a check-in is due when its answers are valid until a day before its appointment
    (or, with no appointment date, before today)."""
    decision = case.decision or {}
    valid_until = _day(decision.get("valid_until"))
    on = case.appointment_date or today
    return QueueRow(
        case=case,
        outcome=outcome_words(case.outcome if isinstance(case.outcome, Outcome) else str(case.outcome)),
        reasons=_reasons(decision),
        flags=tuple(flag_words(str(f)) for f in decision.get("flags") or []),
        treatments=tuple(_treatment(t) for t in case.intake.get("treatments") or [] if isinstance(t, dict)),
        source=str(SOURCES.get(case.source.value, case.source.value)),
        checkin_due=valid_until is not None and valid_until < on,
    )
