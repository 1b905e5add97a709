"""The decision in the words and order a patient reads it: what it means, why, when, what to do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ... import clock
from ...deciding.localise import format_day
from ...decision import Decision, Instruction, Phase
from ...intake import Intake
from ...vocabulary import Area, Concern, Outcome
from ...wording.labels import LABELS
from ..i18n import N_, _, localised, ngettext, page_language, translated
from .grouping import ticks
from .groups import NONE
from .questions import PAGES, Question, is_asked

HEADLINES = {
    Outcome.SUITABLE: N_("You can go ahead with microneedling"),
    Outcome.SUITABLE_WITH_PRECAUTIONS: N_("You can go ahead, with some precautions"),
    Outcome.REVIEW: N_("A practitioner needs to look at your answers"),
    Outcome.DEFER: N_("Not yet: please wait before having microneedling"),
    Outcome.NOT_SUITABLE: N_("Microneedling is not advised for you at the moment"),
}
NEXT_STEPS = {
    Outcome.SUITABLE: N_("Book your appointment and follow the checklist below."),
    Outcome.SUITABLE_WITH_PRECAUTIONS: N_("Book your appointment and follow the checklist below carefully."),
    Outcome.REVIEW: N_("Please do not book yet. The clinic will look at your answers and contact you. "
                    "Give them your reference code if you call."),
    Outcome.DEFER: N_("Please wait until the date below (or the condition below has passed) before booking."),
    Outcome.NOT_SUITABLE: N_("Please talk to the clinic or your doctor about other treatments that may suit "
                          "you."),
}


# A decision to wait (or not to treat) may also hold answers a practitioner must check: the headline then says
# both, so "please wait" never stands over reasons that ask for a practitioner.
ALSO_REVIEW_HEADLINES = {
    Outcome.DEFER: _l("Not yet: please wait, and a practitioner needs to check some of your answers"),
    Outcome.NOT_SUITABLE: _l("Microneedling is not advised for you at the moment, and a practitioner needs to "
                             "check some of your answers"),
}
ALSO_REVIEW_NEXT_STEPS = _l("The clinic will also look at your answers and contact you. Give them your "
                            "reference code if you call.")
# The reasons under the headline, by what they mean for the patient (most severe first).
REASON_HEADINGS = {
    Outcome.NOT_SUITABLE: _l("Why microneedling is not advised"),
    Outcome.DEFER: _l("Why you need to wait"),
    Outcome.REVIEW: _l("What a practitioner needs to check with you"),
    Outcome.SUITABLE_WITH_PRECAUTIONS: _l("Why there are precautions"),
    Outcome.SUITABLE: _l("Good to know"),
}


@dataclass(frozen=True)
class ChecklistItem:
    text: str
    when: str


TOO_EARLY_NEXT_STEPS = N_("Please move your appointment to the earliest date below or later, then follow the "
                          "checklist below: its dates count from the earliest date.")


@dataclass(frozen=True)
class Result:
    outcome: str
    headline: str
    next_steps: str
    first: str | None  # said before anything else: the appointment cannot go ahead
    asked_again: str | None
    reasons: tuple[str, ...]
    reason_sections: tuple[tuple[str, tuple[str, ...]], ...]
    earliest_date: str | None
    wait_for: tuple[str, ...]
    before: tuple[ChecklistItem, ...]
    aftercare: tuple[ChecklistItem, ...]


def _days(n: int) -> str:
    return ngettext("%(num)s day", "%(num)s days", n)


def _day(day: dt.date) -> str:
    return format_day(day, _language())


def _language() -> str:
    return page_language()


def _when(item: Instruction) -> str:
    """A short 'when' above each checklist item; blank where the text itself already gives the date."""
    if any(_day(day) in item.text for day in (item.starts, item.ends) if day):
        return _("On the day") if item.phase is Phase.DAY_OF else ""
    if item.phase is Phase.DAY_OF:
        return _("On the day (%(date)s)", date=_day(item.starts)) if item.starts else _("On the day")
    if item.phase is Phase.AFTER:
        if item.ends:
            return _("Until %(date)s", date=_day(item.ends))
        return _("For %(days)s after", days=_days(item.days_after)) if item.days_after else ""
    if item.starts:
        return _("From %(date)s", date=_day(item.starts))
    return _("%(days)s before", days=_days(item.days_before)) if item.days_before else ""


def _item(instruction: Instruction) -> ChecklistItem:
    return ChecklistItem(instruction.text, _when(instruction))


def sent_at(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """When the answers were sent, in the clinic's zone and this request's language."""
    if _language() == "en":
        return clock.shown(moment, zone)
    local = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(zone)
    return f"{_day(local.date())}, {local:%H:%M} ({clock.zone_name(zone)})"


def present(decision: Decision, intake: Intake | None = None) -> Result:
    """The result page's content in this request's language; findings' texts once each, in the decision's order.
    The `intake` it was screened from lets the sentence on what is asked again be reworded."""
    decision = localised(decision, intake)
    reasons = tuple(dict.fromkeys(f.patient_text for f in decision.findings))
    sections = []
    for outcome, heading in REASON_HEADINGS.items():
        texts = tuple(dict.fromkeys(f.patient_text for f in decision.findings if f.outcome is outcome))
        if texts:
            sections.append((str(heading), texts))
    also_review = decision.outcome in ALSO_REVIEW_HEADLINES and any(
        f.outcome is Outcome.REVIEW for f in decision.findings)
    headline = str(ALSO_REVIEW_HEADLINES[decision.outcome]) if also_review else _(HEADLINES[decision.outcome])
    next_steps = _(TOO_EARLY_NEXT_STEPS) if decision.headline else _(NEXT_STEPS[decision.outcome])
    if also_review:
        next_steps = f"{next_steps} {ALSO_REVIEW_NEXT_STEPS}"
    return Result(
        outcome=decision.outcome.value,
        headline=headline,
        next_steps=next_steps,
        first=decision.headline,
        asked_again=decision.asked_again,
        reasons=reasons,
        reason_sections=tuple(sections),
        earliest_date=_day(decision.earliest_date) if decision.earliest_date else None,
        wait_for=decision.wait_for,
        before=tuple(_item(i) for i in decision.instructions if i.phase is not Phase.AFTER),
        aftercare=tuple(_item(i) for i in decision.instructions if i.phase is Phase.AFTER),
    )


def show_answer(question: Question, value: Any) -> str:
    """One answer in words, for the check page."""
    if value in (None, "", []):
        if question.kind == "date":
            return _("Left blank (still using it)") if question.blank_means == "still_using" else _("Left blank")
        return _("Not answered") if question.required else _("Left blank")
    if question.kind == "choice" and question.enum is not None:
        return _(LABELS[question.enum][value])
    if question.kind == "date":
        return _day(dt.date.fromisoformat(value))
    if question.kind == "areas":
        return ", ".join(_(LABELS[Area][v]) for v in value)
    if question.kind == "treatments":
        return "; ".join(f"{_(LABELS[Area][a])}: {_(LABELS[Concern][c]).lower()}" for a, c in value)
    return str(value)


@dataclass(frozen=True)
class SummaryRow:
    name: str
    question: str
    answer: str
    missing: bool


def summary(answers: dict[str, Any]) -> list[tuple[Any, list[SummaryRow]]]:
    """Every page with the questions that apply on it and the answers given, for the check page; a group
    answered "None of these" is one row, any other group one row per question."""
    out = []
    for page in PAGES:
        none = {g.key: g for g in page.groups if ticks(g, answers) == [NONE]}
        rows = []
        for q in page.all_questions():
            group = next((g for g in none.values() if q.name in g.names), None)
            if group is not None:
                if group.questions[0] is q:
                    rows.append(SummaryRow(group.key, translated(group.legend), str(_l("None of these")), False))
            elif is_asked(q, answers):
                rows.append(SummaryRow(q.name, translated(q.text), show_answer(q, answers.get(q.name)),
                                       q.required and not answers.get(q.name)))
        out.append((page, rows))
    return out
