"""What the practitioner pages say instead of field names, rule flags and arrows: outcomes, flags, the changes
that would alter a decision, audit actions and answers, in the form's own words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...clock import fmt_date
from ...decision import Change, Decision
from ...vocabulary import Area, Concern, Outcome
from ...wording.labels import LABELS
from ..patient.questions import QUESTIONS

OUTCOMES = {
    Outcome.SUITABLE: _l("Suitable"),
    Outcome.SUITABLE_WITH_PRECAUTIONS: _l("Suitable with precautions"),
    Outcome.REVIEW: _l("Needs a practitioner's review"),
    Outcome.DEFER: _l("Not yet: defer to a later date"),
    Outcome.NOT_SUITABLE: _l("Not suitable"),
}
FLAGS = {
    "avoid-tattooed-skin": _l("Avoid tattooed skin"),
    "dermatology-first": _l("A dermatologist should see the patient first"),
    "koebner-risk": _l("Risk of new lesions where the skin is needled (Koebner response)"),
    "no-eyelids": _l("Do not treat the eyelids"),
    "no-topical-anaesthetic": _l("No topical anaesthetic"),
    "on-anticoagulant": _l("Takes a medicine that thins the blood"),
    "pih-risk": _l("Risk of dark marks after treatment (post-inflammatory hyperpigmentation)"),
    "appointment-before-earliest-date": _l("The appointment is before the earliest safe date"),
}
ACTIONS = {
    "case.submitted": _l("Answers sent"),
    "case.checked_in": _l("Checked in"),
    "case.reopened": _l("Reopened for review"),
    "case.rescreened": _l("Screened again under new rules"),
    "case.contact_exported": _l("Contact details exported"),
}
_DEEPER = re.compile(r"depth-above-([0-9.]+)-mm")


def outcome_words(outcome: Outcome | str | None) -> str:
    """An outcome as a practitioner reads it ('Not suitable'), never its code."""
    try:
        return str(OUTCOMES[Outcome(outcome)])
    except ValueError:
        return str(_("Unknown outcome"))


def flag_words(flag: str) -> str:
    """A rule flag in words; one this page does not know is spelled out rather than shown as a code."""
    if flag in FLAGS:
        return str(FLAGS[flag])
    if deeper := _DEEPER.fullmatch(flag):
        return str(_("A depth over %(mm)s mm was asked for: beyond what the rules were written for", mm=deeper[1]))
    return flag.replace("-", " ").replace("_", " ").capitalize()


def answer_words(name: str, value: Any) -> str:
    """One stored answer as the form words it ('Yes, a superficial peel'); no answer is 'not given'."""
    question = QUESTIONS.get(name)
    if value in (None, ""):
        return str(_("not given"))
    if question is not None and question.options:
        return next((str(o.label) for o in question.options if o.value == value), str(value).replace("_", " "))
    if question is not None and question.kind == "date":
        try:
            return fmt_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value).replace("_", " ")


def change_words(change: Change, titles: Mapping[str, str] | None = None) -> str:
    """What would alter a decision, as a sentence: the question and both answers, the appointment day, the
    outcome it would give and the findings it would clear (by their titles)."""
    parts: list[str] = []
    for answer in change.answers:
        question = QUESTIONS.get(answer.field)
        text = question.text if question is not None else answer.question
        if question is not None and question.kind == "date":
            parts.append(_("“%(q)s”: stopped on %(day)s rather than still in use", q=text,
                           day=answer_words(answer.field, answer.changed_to)))
        else:
            parts.append(_("“%(q)s” answered “%(new)s” rather than “%(old)s”", q=text,
                           new=answer_words(answer.field, answer.changed_to),
                           old=answer_words(answer.field, answer.given)))
    if change.on_date is not None:
        parts.append(_("the appointment is on %(day)s or later", day=fmt_date(change.on_date)))
    sentence = str(_("If %(what)s, the rules would say: %(outcome)s.", what=str(_("; and ")).join(parts),
                     outcome=outcome_words(change.outcome).lower()))
    cleared = [(titles or {}).get(rule, rule.replace("-", " ")) for rule in change.clears]
    if cleared:
        sentence += " " + _("That clears: %(findings)s.", findings="; ".join(cleared))
    return sentence


def decision_changes(decision: Decision | Mapping[str, Any]) -> list[str]:
    """A decision's 'what would change it' in words (a stored decision's JSON is read as the Decision it was)."""
    if not isinstance(decision, Decision):
        decision = Decision.model_validate(decision)
    titles = {f.rule_id: f.title for f in decision.findings}
    return [change_words(change, titles) for change in decision.what_would_change]


def action_words(action: str) -> str:
    """An audit event's action in words."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    return action.replace("_", " ").replace(".", ": ").capitalize()


def rule_titles(rule_ids: Iterable[str], titles: Mapping[str, str]) -> str:
    """Rule ids as their titles, joined; an id the titles lack is spelled out."""
    return "; ".join(titles.get(rule, rule.replace("-", " ")) for rule in rule_ids)


def day_words(value: str | None) -> str:
    """A stored ISO day as the pages write dates."""
    try:
        return fmt_date(dt.date.fromisoformat(value)) if value else ""
    except ValueError:
        return value or ""


def depth_lines(decision: dict[str, Any], intake: dict[str, Any]) -> list[str]:
    """Each depth limit as 'Treatment 1, cheeks: acne scars: at most 1.5 mm', in the form's words."""
    asked = intake.get("treatments") or []
    out: list[str] = []
    for limit in decision.get("depth_limits") or []:
        index = int(limit["treatment"])
        item = asked[index] if index < len(asked) else {"area": limit.get("area", ""), "concern": ""}
        what = LABELS[Area].get(item["area"], str(item["area"]).replace("_", " "))
        if item.get("concern"):
            what += ": " + LABELS[Concern].get(item["concern"], item["concern"]).lower()
        out.append(str(_("Treatment %(n)s, %(what)s: at most %(mm)s mm", n=index + 1, what=what,
                         mm=f"{float(limit['limit_mm']):g}")))
    return out
