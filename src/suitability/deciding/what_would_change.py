"""What would change a decision: the smallest changes to the intake that alter an outcome other than suitable.

They are found by screening variations of the intake with the same engine, never written by hand.

The candidates come from the decisive findings (those with the decision's outcome): each answer their rules
tested, flipped alone to its lowest-risk value; and, for a finding with a wait, the appointment moved to the day
the wait ends (a product still in use is taken as stopped on the screening day). A candidate can alter the
outcome only if it removes every decisive finding, so only those candidates are screened again; those that
alter the outcome are reported, each naming the answers, the date, the findings it clears and the new outcome.
Only if no single candidate does is the smallest combination looked for, and failing that all candidates
together. At most MAX_VARIANTS screenings per decision; tests/unit/deciding/test_what_would_change.py checks this by brute force."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..clock import fmt_date
from ..decision import AnswerChange, Change, Decision, Finding
from ..intake import Intake, unasked_follow_ups
from ..intake.facts import FIELDS
from ..rules.conditions import Test
from ..rules.coverage import SCREEN_FAILED
from ..rules.loading import Rule, RuleSet
from ..vocabulary import Answer, Outcome

MAX_VARIANTS = 8  # screenings per decision, at most
MAX_COMBINED = 4  # candidates in one combination, at most
MAX_OPTIONS = 12  # combinations are looked for among at most this many candidates
FAILED_FLAG = SCREEN_FAILED  # the fail-safe flag a failed screening carries
# The lowest-risk answers of the choices without a plain "no", nearest first (spec: skin types IV-VI go to
# review; RF and home use add rules of their own).
LOWEST_RISK: dict[str, tuple[str, ...]] = {
    "fitzpatrick": ("III", "II", "I"), "setting": ("clinic",), "modality": ("mechanical",),
}
OUTCOME_WORDS = {
    Outcome.SUITABLE: "suitable",
    Outcome.SUITABLE_WITH_PRECAUTIONS: "suitable with precautions",
    Outcome.REVIEW: "a practitioner needs to review your answers",
    Outcome.DEFER: "not yet (wait before treatment)",
    Outcome.NOT_SUITABLE: "not suitable",
}

SINGLE, SMALLEST, ALL = "single", "smallest_combination", "all_together"
LEADS = {SINGLE: "", SMALLEST: "Only a combination changes it: ", ALL: "Only all of these together change it: "}

Rescreen = Callable[[Intake], Decision]
_ORDER = {name: i for i, name in enumerate(Intake.model_fields)}
_FIELDS = tuple(Intake.model_fields)
_INFO = dict(Intake.model_fields)  # read once: `Intake.model_fields` is a slow class property in pydantic


@dataclass
class Variant:
    """One candidate: new answers and/or a new appointment date, and the decisive findings it removes."""

    answers: dict[str, Any] = field(default_factory=dict)
    on_date: dt.date | None = None
    covers: set[int] = field(default_factory=set)  # indexes into the decisive findings


def _value(value: Any) -> str | None:
    return value.value if isinstance(value, Enum) else (value.isoformat() if isinstance(value, dt.date) else value)


def _answer(intake: Intake, name: str) -> str:
    """The value the engine sees: a missing choice is "not sure"."""
    return _value(getattr(intake, name)) or Answer.NOT_SURE.value


def _holds(test: Test, value: str) -> bool:
    if test.op == "eq":
        return bool(value == test.value)
    if test.op == "in":
        return value in test.value
    if test.op == "not_in":
        return value not in test.value
    return False


def lowest_risk(name: str) -> str | None:
    """The lowest-risk answer to a choice question ("no" unless LOWEST_RISK says otherwise); None if none."""
    if name in LOWEST_RISK:
        return LOWEST_RISK[name][0]
    return Answer.NO.value if Answer.NO.value in FIELDS[name].values else None


def contributing_answers(rule: Rule, intake: Intake) -> list[str]:
    """The intake's choice answers the rule tested and that satisfy the test (treatment fields excluded)."""
    names: list[str] = []
    for group in rule.alternatives:
        for test in group:
            if test.field not in _INFO or FIELDS[test.field].kind != "choice":
                continue
            value = _answer(intake, test.field)
            low = LOWEST_RISK.get(test.field, (lowest_risk(test.field),))
            if _holds(test, value) and value not in low and test.field not in names:
                names.append(test.field)
    return sorted(names, key=_ORDER.__getitem__)  # the form's order, whatever the order of the rule's tests


def candidates(ruleset: RuleSet, intake: Intake, decisive: list[Finding]) -> list[Variant]:
    """Single-answer flips (in the form's order), then single appointment moves (earliest first).

    A flip covers the decisive findings whose rule tested that answer; a move to a date covers the decisive
    findings whose wait has ended by then, counted from a date the patient gave or from the day a product in
    use is stopped (this variant stops the product of the wait it was made for)."""
    flips: dict[str, Variant] = {}
    moves: dict[tuple[dt.date, tuple[tuple[str, Any], ...]], Variant] = {}
    for index, finding in enumerate(decisive):
        rule = ruleset.rule(finding.rule_id)
        for name in contributing_answers(rule, intake):
            low = lowest_risk(name)
            if low is not None:
                flips.setdefault(name, Variant({name: low})).covers.add(index)
        if rule.wait is not None and finding.wait_until and finding.wait_until > intake.reference_date:
            # a product still in use counts a lapsing wait from the appointment, so the move must stop it; a
            # wait that stands already counts from the pre-screen (its instruction says to stop now)
            in_use = getattr(intake, rule.wait.after) is None and not rule.wait.stands
            stopped = {rule.wait.after: intake.screening_date} if in_use else {}
            moves.setdefault((finding.wait_until, tuple(stopped.items())), Variant(stopped, finding.wait_until))
    for move in moves.values():
        move.covers = _cleared_by_date(ruleset, intake, decisive, move)
    ordered = sorted(flips.values(), key=lambda v: _ORDER[next(iter(v.answers))])
    return ordered + sorted(moves.values(), key=lambda v: (v.on_date, sorted(v.answers)))


def _cleared_by_date(ruleset: RuleSet, intake: Intake, decisive: list[Finding], variant: Variant) -> set[int]:
    cleared: set[int] = set()
    for index, finding in enumerate(decisive):
        wait = ruleset.rule(finding.rule_id).wait
        if wait is None or finding.wait_until is None or variant.on_date is None:
            continue
        counted_from_a_date = (getattr(intake, wait.after) is not None or wait.after in variant.answers
                               or wait.stands)
        if counted_from_a_date and finding.wait_until <= variant.on_date:
            cleared.add(index)
    return cleared


def merge(variants: tuple[Variant, ...], ruleset: RuleSet, intake: Intake, decisive: list[Finding]) -> Variant:
    """Several candidates at once: every flip and stop, the latest date."""
    merged = Variant()
    for variant in variants:
        merged.answers.update(variant.answers)
        merged.covers |= variant.covers
        if variant.on_date and (merged.on_date is None or variant.on_date > merged.on_date):
            merged.on_date = variant.on_date
    merged.covers |= _cleared_by_date(ruleset, intake, decisive, merged)
    return merged


def apply(intake: Intake, variant: Variant) -> Intake:
    """The intake with the variant's answers and appointment date (validated like any intake)."""
    answers = intake.__dict__  # the validated field values, read directly (iterating the model is slower)
    data = {name: answers[name] for name in _FIELDS}
    for name, value in variant.answers.items():
        data[name] = _choice_enum(name)(value) if isinstance(value, str) else value
    if variant.on_date is not None:
        data["appointment_date"] = variant.on_date
    for name, _ in unasked_follow_ups(data):  # a flipped parent no longer asks its follow-ups
        data[name] = () if name == "melasma_areas" else None
    return Intake.model_validate(data)


def _choice_enum(name: str) -> type[Enum]:
    annotation = _INFO[name].annotation
    for arg in (*getattr(annotation, "__args__", ()), annotation):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return arg
    raise TypeError(f"{name} is not a choice")  # pragma: no cover - only choices are flipped


def _words(value: str | None) -> str:
    return "no answer" if value is None else value.replace("_", " ")


def describe(ruleset: RuleSet, intake: Intake, variant: Variant, before: Decision, after: Decision, *,
             kind: str = SINGLE) -> Change:
    """The change as data, and as text for the patient and the practitioner (generic wording: the facts of
    the change come from the intake, the findings and the re-screened decision)."""
    answers = tuple(
        AnswerChange(field=name, question=_INFO[name].title or name,
                     given=_value(getattr(intake, name)), changed_to=_value(value))
        for name, value in variant.answers.items())
    remaining = {f.rule_id for f in after.findings}
    clears = tuple(dict.fromkeys(f.rule_id for f in decisive_findings(before) if f.rule_id not in remaining))
    parts: list[str] = []  # the conditions, for the patient
    clinician: list[str] = []
    once = ""  # a deferral until a condition resolves: say so rather than "if your answer were"
    decisive = decisive_findings(before)
    because = [decisive[i] for i in sorted(variant.covers)]
    waits = [f.wait_for for f in because if f.wait_for]
    for change in answers:
        if FIELDS[change.field].kind == "date":  # a product still in use, taken as stopped on the screening day
            parts.append(f"you stop on {fmt_date(intake.screening_date)}")
            clinician.append(f"{change.field}: still in use -> stopped {change.changed_to}")
            continue
        parts.append(f"your answer to “{change.question}” is “{_words(change.changed_to)}” rather than "
                     f"“{_words(change.given)}”")
        clinician.append(f"{change.field}: {_words(change.given)} -> {_words(change.changed_to)}")
        if waits and len(answers) == 1 and variant.on_date is None:
            once = (f"once {waits[0]} (your answer to “{change.question}” would then be "
                    f"“{_words(change.changed_to)}”)")
    when = ""
    if variant.on_date is not None:
        ending = [f for f in because if f.wait_until == variant.on_date] or because
        why = "; ".join(f"{f.values.get('wait', '')} after {_since(ruleset, f)}: {f.title}" for f in ending[:2])
        when = f"from {fmt_date(variant.on_date)} ({why})"
        clinician.append(f"appointment {variant.on_date.isoformat()} (wait of {', '.join(f.rule_id for f in ending)}"
                         " ends)")
    sentence = once or ("if " + "; and ".join(parts) if parts else "")
    if when:
        sentence = f"{sentence}, then {when}" if sentence else when
    sentence = LEADS[kind] + sentence if LEADS[kind] else sentence[:1].upper() + sentence[1:]
    return Change(
        answers=answers, on_date=variant.on_date, clears=clears, outcome=after.outcome, kind=kind,
        patient_text=f"{sentence}, the pre-screen would say: {OUTCOME_WORDS[after.outcome]}.",
        practitioner_text=f"{'; '.join(clinician)} => re-screened {after.outcome.value}"
                          + (f", clears {', '.join(clears)}" if clears else ""),
    )


def _since(ruleset: RuleSet, finding: Finding) -> str:
    """The event a wait counts from, as the finding recorded it: a date, or the day a product is stopped."""
    wait = ruleset.rule(finding.rule_id).wait
    given = finding.values.get(wait.after, "") if wait else ""
    try:
        return fmt_date(dt.date.fromisoformat(given))
    except ValueError:
        return "you stop"


def decisive_findings(decision: Decision) -> list[Finding]:
    """The findings with the decision's outcome; for an appointment before the earliest date (which defers
    whatever the findings say), the findings whose waits run past it too."""
    decisive = [f for f in decision.findings if f.outcome is decision.outcome]
    appointment = decision.appointment_date
    if decision.appointment_too_early and decision.outcome is Outcome.DEFER and appointment is not None:
        decisive += [f for f in decision.findings if f.outcome is not decision.outcome
                     and f.wait_until is not None and f.wait_until > appointment]
    return decisive


def what_would_change(ruleset: RuleSet, intake: Intake, decision: Decision, rescreen: Rescreen) -> tuple[Change, ...]:
    """The changes that alter a non-suitable outcome (see the module docstring); () for `suitable`.

    A candidate can alter the outcome only if it removes every decisive finding (a finding whose rule tests
    nothing the candidate changes stays), so only those are screened: the single candidates first, and only if
    none alters the outcome, the smallest combinations (up to MAX_COMBINED candidates), smallest first.
    """
    if decision.outcome is Outcome.SUITABLE or FAILED_FLAG in decision.flags:
        return ()
    decisive = decisive_findings(decision)
    everything = set(range(len(decisive)))
    options = candidates(ruleset, intake, decisive)
    budget = [MAX_VARIANTS]

    def run(variant: Variant) -> Decision | None:
        budget[0] -= 1
        after = rescreen(apply(intake, variant))
        if FAILED_FLAG in after.flags or after.ruleset_version != decision.ruleset_version:
            return None  # a failed or swapped screen proves nothing
        return after if after.outcome is not decision.outcome else None

    changes: list[Change] = []
    for variant in options:
        if variant.covers == everything and budget[0] > 0:
            after = run(variant)
            if after is not None:
                changes.append(describe(ruleset, intake, variant, decision, after))
    widest = max((len(v.covers) for v in options), default=0)
    feasible = set().union(*(v.covers for v in options)) == everything and widest * MAX_COMBINED >= len(everything)
    size = 2
    while not changes and feasible and len(options) <= MAX_OPTIONS and size <= MAX_COMBINED and budget[0] > 0:
        for group in itertools.combinations(options, size):
            if budget[0] <= 0:
                break
            merged = merge(group, ruleset, intake, decisive)
            if merged.covers == everything:
                after = run(merged)
                if after is not None:
                    changes.append(describe(ruleset, intake, merged, decision, after, kind=SMALLEST))
                    break  # one smallest combination is enough: say so, rather than list them all
        size += 1
    if not changes and 1 < len(options) <= MAX_OPTIONS and budget[0] > 0:  # every answer that made the difference
        merged = merge(tuple(options), ruleset, intake, decisive)
        after = run(merged) if merged.covers == everything else None
        if after is not None:
            changes.append(describe(ruleset, intake, merged, decision, after, kind=ALL))
    changes.sort(key=lambda c: (c.outcome.severity, len(c.answers), c.on_date or dt.date.min,
                                [_ORDER[a.field] for a in c.answers]))
    return tuple(changes)
