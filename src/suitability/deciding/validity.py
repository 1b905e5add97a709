"""How long a decision stays valid, and which questions to ask again at check-in.

The table is rule data (`validity:` in rules/ruleset.yaml): for each time-sensitive question, how long its answer
can be relied on after the pre-screen (a tan, a retinoid, a new pregnancy or a cold sore can appear after it).
A decision is valid until the screening date plus the shortest period among the time-sensitive questions that
were asked; at check-in, only the questions whose period has run out are asked again, then the intake is
screened again with those answers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..clock import fmt_date
from ..intake import Intake
from ..intake.agreement import FOLLOW_UPS, is_asked
from ..intake.facts import add_months
from ..rules.conditions import Period
from ..rules.validity_table import QUESTIONS

if TYPE_CHECKING:
    from ..decision import Decision
    from ..rules.model import RuleSet

def _expires(start: dt.date, period: Period) -> dt.date:
    """The last day an answer given on `start` may be relied on."""
    return add_months(start, period.months) if period.months else start + dt.timedelta(days=period.days)


def _parents(name: str) -> dict[str, list[str]]:
    return FOLLOW_UPS.get(name, {})


_GROUPED: dict[int, tuple[Mapping[str, Period], tuple[tuple[Period, tuple[str, ...]], ...]]] = {}


def _by_period(table: Mapping[str, Period]) -> tuple[tuple[Period, tuple[str, ...]], ...]:
    """The table's questions grouped by period; worked out once per table (a rule set's table never changes)."""
    kept = _GROUPED.get(id(table))
    if kept is not None and kept[0] is table:
        return kept[1]
    periods: dict[Period, list[str]] = {}
    for name, period in table.items():
        periods.setdefault(period, []).append(name)
    grouped = tuple((period, tuple(names)) for period, names in periods.items())
    if len(_GROUPED) > 64:
        _GROUPED.clear()
    _GROUPED[id(table)] = (table, grouped)  # holding the table keeps its id from being reused
    return grouped


def valid_until(table: Mapping[str, Period], intake: Intake) -> dt.date | None:
    """The last day the decision may be used without asking again: the earliest expiry of an asked question.

    The table has a few distinct periods: each is dated once, shortest first, and the first one with an asked
    question wins (every screening calls this, so it does not date every question)."""
    start = intake.screening_date
    for end, names in sorted(((_expires(start, period), names) for period, names in _by_period(table)),
                             key=lambda item: item[0]):
        if any(is_asked(name, intake.__dict__) for name in names):
            return end
    return None


def _follow_ups(name: str) -> list[str]:
    return [q for q in QUESTIONS if name in _parents(q)]


def questions_to_reask(decision_or_intake: Decision | Intake, on_date: dt.date, *,
                       ruleset: RuleSet) -> tuple[str, ...]:
    """The questions whose answers have run out by `on_date`, with their follow-ups, in the form's order.

    From an intake, a follow-up is included only if its parent is asked again or still enables it; from a
    decision (which does not hold the answers) every follow-up of an expired question is included.
    """
    given = decision_or_intake if isinstance(decision_or_intake, Intake) else None
    screened = decision_or_intake.screening_date
    expired = {name for name, period in ruleset.validity.items() if on_date > _expires(screened, period)}
    if given is not None:  # a follow-up that was not asked stays unasked, unless its parent is asked again
        expired = {name for name in expired if is_asked(name, given.__dict__) or set(_parents(name)) & expired}
    wanted = set(expired)
    for name in expired:
        for follow in _follow_ups(name):
            wanted.add(follow)
    return tuple(q for q in QUESTIONS if q in wanted)


def answers_at_checkin(intake: Intake, answers: Mapping[str, Any], on_date: dt.date, *,
                       ruleset: RuleSet) -> Intake:
    """The intake to screen again at check-in: the new answers to the questions asked again, the others kept.

    Refuses an answer to a question that was not to be asked again (ValueError): the check-in asks only those.
    The check-in day becomes the screening date and, if the appointment is earlier or not set, the appointment.
    """
    allowed = set(questions_to_reask(intake, on_date, ruleset=ruleset))
    extra = sorted(set(answers) - allowed)
    if extra:
        raise ValueError(f"not asked again at check-in: {', '.join(extra)}")
    data = intake.model_dump(mode="json")
    for name in allowed:
        data[name] = None  # asked again: an answer left blank is "not sure", never the old answer
    data.update({k: (v.value if hasattr(v, "value") else v) for k, v in answers.items()})
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}  # new answers' dates
    data["screening_date"] = on_date.isoformat()
    appointment = intake.appointment_date
    data["appointment_date"] = (appointment if appointment and appointment >= on_date else on_date).isoformat()
    return Intake.model_validate_json(json.dumps(data))


# Short names of the time-sensitive questions, for the sentence that says which are asked again on the day.
_SHORT = {
    "pregnant": "pregnancy", "breastfeeding": "breastfeeding", "acne_inflamed": "active acne",
    "acne_comedonal": "blackheads and whiteheads", "cold_sore_now": "cold sores", "skin_infection": "skin infections",
    "open_wounds": "open wounds or irritated skin", "eczema_flaring": "eczema flares",
    "psoriasis_in_area": "psoriasis patches", "rosacea_active": "rosacea spots", "autoimmune_flare": "autoimmune flares",
    "sunburn": "sunburn", "tan": "tanning", "self_tanner": "fake tan", "retinoid": "retinoid creams",
    "exfoliant_acids": "acid exfoliants and scrubs", "benzoyl_peroxide": "benzoyl peroxide",
    "nsaid": "anti-inflammatory painkillers", "aspirin": "aspirin", "supplements": "supplements",
    "isotretinoin": "isotretinoin", "chemical_peel": "chemical peels", "hair_removal": "hair removal",
    "nonablative_laser": "laser or IPL treatments", "ablative_resurfacing": "laser resurfacing or surgery",
    "botulinum_toxin": "anti-wrinkle injections", "dermal_filler": "dermal filler", "facial_surgery": "facial surgery",
    "photosensitising_medication": "medicines that make skin sun-sensitive", "anticoagulant": "blood thinners",
    "warts": "warts", "immunosuppressed": "your immune system", "chemo_or_radiotherapy": "chemotherapy or radiotherapy",
}


def _short(name: str) -> str:
    return _SHORT.get(name, name.replace("_", " "))


def _listed(names: list[str]) -> str:
    words = list(dict.fromkeys(_short(n) for n in names))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def asked_again(table: Mapping[str, Period], intake: Intake, valid: dt.date | None,
                treatment_day: dt.date | None, earliest: dt.date | None = None) -> str | None:
    """In plain words: which answers are asked again on the day of treatment, and why (they can change within
    days or weeks). Never implies the answers expire before the patient could be treated without saying what
    happens then: the questions are asked again on the day, and only the result of those can change.

    treatment_day: the day the instructions count from (the appointment, or the earliest date when the
    appointment is too early); None without an appointment."""
    if valid is None:
        return None
    start = intake.screening_date
    asked = [name for name, period in table.items() if is_asked(name, intake.__dict__) and not _parents(name)]
    treatment_day = treatment_day or earliest  # without an appointment, the first day treatment can happen
    if treatment_day is not None:
        due = [name for name in asked if treatment_day > _expires(start, table[name])]
        day = fmt_date(treatment_day)
        on_appointment = treatment_day == intake.appointment_date
        when = f"your appointment on {day}" if on_appointment else f"{day} at the earliest"
        if not due:
            return (f"Your answers can be relied on up to {when}: nothing needs asking again on the day unless "
                    "something changes.")
        return (f"Some answers can change within days or weeks, so on the day of your treatment ({when}) the "
                f"practitioner will ask you again about {_listed(due)}. If an "
                "answer has changed, the result is worked out again then; the rest of this pre-screen stands and "
                "you will not need to take the whole pre-screen again.")
    due = [name for name in asked if _expires(start, table[name]) == valid] or asked
    return (f"Some answers can change within days or weeks. If you are treated after {fmt_date(valid)}, the "
            f"practitioner will ask you again on the day about {_listed(due)}, and about more of them the later it "
            "is; if an answer has changed, the result is worked out again then. You will not need to take the "
            "whole pre-screen again.")

