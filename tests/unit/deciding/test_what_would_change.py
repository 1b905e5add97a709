"""What would change it, checked against brute-force re-screening.

The claims, for a decision whose outcome is not `suitable` (the decisive findings are those with its outcome):
1. Sound: applying a reported change to the intake and screening again gives the stated outcome, less severe.
2. Singles are complete: brute force tries every other value (blank included) of every answer a decisive
   finding's rule tested; for every answer where some value alters the outcome, a single-answer change of that
   answer is reported, and no combination is reported.
3. Dates are the earliest: brute force moves the appointment day by day up to the last decisive wait; the first
   day that alters the outcome is the date of the reported date-only change, and there is none if no day does.
4. Combinations are the smallest: when one is reported, no smaller set of the candidates alters the outcome.
Also: each depth limit's "next limit" is the limit found by screening without the rule that set it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
from enum import Enum
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from tests.common.minimal import days_ago, minimal_intake
from tests.common.strategies import intakes, low_risk_values

from suitability import Decision, Intake, Outcome, RuleSet, Screener, default_screener
from suitability.decision import Change
from suitability.intake import field_meta
from suitability.intake.facts import FIELDS
from suitability.screening import ENGINE_FAILED_FLAG

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LOWEST = {"setting": ("clinic",), "modality": ("mechanical",)}


@pytest.fixture(scope="module")
def screener() -> Screener:
    return default_screener()


def screen(screener: Screener, intake: Intake) -> Decision:
    decision = screener.screen(intake)
    assert ENGINE_FAILED_FLAG not in decision.flags
    return decision


def with_answers(intake: Intake, answers: dict[str, Any], on_date: dt.date | None = None) -> Intake:
    """The intake with some answers replaced (as JSON values) and, optionally, the appointment moved."""
    data = intake.model_dump(mode="json")
    data.update(answers)
    for name in Intake.model_fields:  # a changed answer no longer asks its follow-ups: they go, as on the form
        enable = field_meta(name).get("enable_when")
        if enable and not any(data.get(parent) in values for parent, values in enable.items()):
            data[name] = [] if name == "melasma_areas" else None
    if on_date is not None:
        data["appointment_date"] = on_date.isoformat()
    return Intake.model_validate_json(json.dumps(data))


def applied(intake: Intake, change: Change) -> Intake:
    return with_answers(intake, {a.field: a.changed_to for a in change.answers}, change.on_date)


def decisive(decision: Decision) -> list[Any]:
    """The findings with the outcome; for a too-early appointment (clinical-rules.md §1a: at least defer), also
    those whose waits run past the appointment."""
    found = [f for f in decision.findings if f.outcome is decision.outcome]
    appointment = decision.appointment_date
    if decision.outcome is Outcome.DEFER and appointment and decision.earliest_date and (
            decision.earliest_date > appointment):
        found += [f for f in decision.findings if f.outcome is not Outcome.DEFER and f.wait_until
                  and f.wait_until > appointment]
    return found


def answers_tested(ruleset: RuleSet, decision: Decision, intake: Intake) -> list[str]:
    """Every intake choice a decisive finding's rule tests (the candidate answers)."""
    names: list[str] = []
    for finding in decisive(decision):
        for group in ruleset.rule(finding.rule_id).alternatives:
            for test in group:
                if test.field in Intake.model_fields and FIELDS[test.field].kind == "choice":
                    names.append(test.field)
    return sorted(set(names))


def values_of(name: str) -> list[Any]:
    annotation = Intake.model_fields[name].annotation
    enum = next(a for a in (*getattr(annotation, "__args__", ()), annotation)
                if isinstance(a, type) and issubclass(a, Enum))
    values: list[Any] = [e.value for e in enum]
    return values if name in ("setting", "modality") else [*values, None]


def lowest(name: str) -> tuple[str, ...]:
    return LOWEST.get(name) or low_risk_values(name)


# --- examples ----------------------------------------------------------------------------------------------------

def test_the_isotretinoin_wait_gives_the_date_from_which_the_outcome_changes(screener: Screener) -> None:
    intake = minimal_intake(isotretinoin="past", isotretinoin_last_dose="2026-03-15", screening_date="2026-05-01")
    decision = screen(screener, intake)
    assert decision.outcome is Outcome.DEFER
    by_date = [c for c in decision.what_would_change if c.on_date is not None and not c.answers]
    assert len(by_date) == 1
    change = by_date[0]
    assert change.on_date == dt.date(2026, 9, 15) and change.outcome is Outcome.SUITABLE
    assert change.clears == ("isotretinoin-past",)
    assert "From 15 Sep 2026 (6 months after 15 Mar 2026" in change.patient_text
    assert "isotretinoin-past" in change.practitioner_text


def test_a_precaution_is_not_changed_by_a_later_date(screener: Screener) -> None:
    # clinical-rules.md §1: a precaution stands once its wait has passed, so no appointment date changes it
    decision = screen(screener, minimal_intake(retinoid="yes"))
    assert decision.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS
    assert [c.on_date for c in decision.what_would_change] == [None]
    (flip,) = decision.what_would_change
    assert [(a.field, a.given, a.changed_to) for a in flip.answers] == [("retinoid", "yes", "no")]


def test_a_product_still_in_use_with_a_too_early_appointment_changes_at_the_earliest_date(
        screener: Screener) -> None:
    decision = screen(screener, minimal_intake(retinoid="yes", appointment_date="2026-03-05"))
    assert decision.outcome is Outcome.DEFER
    # the retinoid instruction already says to stop now: moving the appointment to the earliest date is enough
    move = next(c for c in decision.what_would_change if c.on_date is not None)
    assert move.answers == ()
    assert move.on_date == dt.date(2026, 3, 11) and move.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS
    assert move.patient_text.startswith("From 11 Mar 2026")


def test_a_deferral_until_a_condition_resolves_says_once(screener: Screener) -> None:
    decision = screen(screener, minimal_intake(acne_inflamed="yes"))
    (change,) = decision.what_would_change
    assert change.patient_text.startswith("Once your acne")
    assert [(a.field, a.given, a.changed_to) for a in change.answers] == [("acne_inflamed", "yes", "no")]


def test_two_contraindications_need_a_combination(screener: Screener) -> None:
    decision = screen(screener, minimal_intake(pregnant="yes", keloid="yes"))
    (change,) = decision.what_would_change
    assert sorted(a.field for a in change.answers) == ["keloid", "pregnant"]
    assert change.patient_text.startswith("Only a combination changes it")
    assert change.outcome is Outcome.SUITABLE and change.kind == "smallest_combination"


def test_when_no_small_combination_works_all_the_answers_that_made_the_difference_are_listed(
        screener: Screener) -> None:
    many = {"pregnant": "yes", "keloid": "yes", "scleroderma": "yes", "nickel_allergy": "yes",
            "immunosuppressed": "yes", "anaesthetic_allergy": "yes"}
    decision = screen(screener, minimal_intake(**many))
    (change,) = decision.what_would_change
    assert change.kind == "all_together" and change.outcome is Outcome.SUITABLE
    assert sorted(a.field for a in change.answers) == sorted(many)
    assert change.patient_text.startswith("Only all of these together change it")


def test_a_suitable_decision_has_nothing_to_change(screener: Screener) -> None:
    decision = screen(screener, minimal_intake())
    assert decision.outcome is Outcome.SUITABLE and decision.what_would_change == ()


def test_a_failure_while_explaining_never_breaks_the_decision(screener: Screener, monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    intake = minimal_intake(pregnant="yes", date_of_birth="1990-04-05", age=None)
    expected = screen(screener, intake)

    def broken(*args: Any) -> Any:
        raise RuntimeError(f"boom with {args[1]!r}")

    monkeypatch.setattr("suitability.screening.what_would_change", broken)
    with caplog.at_level(logging.ERROR):
        decision = screener.screen(intake)
    assert decision == expected.model_copy(update={"what_would_change": ()})
    assert ENGINE_FAILED_FLAG not in decision.flags
    assert "RuntimeError" in caplog.text and "1990" not in caplog.text  # the log names the error, not answers


def test_a_decision_with_its_changes_survives_json(screener: Screener) -> None:
    decision = screen(screener, minimal_intake(tan="yes", tan_date=days_ago(3), pregnant="yes"))
    assert decision.what_would_change
    assert Decision.model_validate_json(decision.model_dump_json()) == decision


# --- properties against brute force -----------------------------------------------------------------------------

@given(intakes(max_risky=3, wild=False))
def test_every_reported_change_gives_the_stated_less_severe_outcome(screener: Screener, intake: Intake) -> None:
    decision = screen(screener, intake)
    if decision.outcome is Outcome.SUITABLE:
        assert decision.what_would_change == ()
        return
    for change in decision.what_would_change:
        after = screen(screener, applied(intake, change))
        assert after.outcome is change.outcome, change.practitioner_text
        assert after.outcome.severity < decision.outcome.severity
        gone = {f.rule_id for f in decisive(decision)} - {f.rule_id for f in after.findings}
        assert set(change.clears) == gone


@SLOW
@given(intakes(max_risky=3, wild=False))
def test_single_answer_changes_match_brute_force(screener: Screener, intake: Intake) -> None:
    decision = screen(screener, intake)
    assume(decision.outcome is not Outcome.SUITABLE)
    found: set[str] = set()
    for name in answers_tested(screener.ruleset, decision, intake):
        current = intake.model_dump(mode="json")[name]
        for value in values_of(name):
            after = screen(screener, with_answers(intake, {name: value})) if value != current else decision
            if after.outcome.severity < decision.outcome.severity:
                found.add(name)
                break
    event(f"{len(found)} answers alone change it")
    singles = {c.answers[0].field for c in decision.what_would_change if len(c.answers) == 1 and not c.on_date}
    assert singles == found
    if found:
        assert {c.kind for c in decision.what_would_change} == {"single"}


def _dated_events() -> list[tuple[str, str, str]]:
    """(answer, value, date field) of every rule with a wait: the answers that start a wait."""
    events = []
    for rule in default_screener().ruleset.rules:
        if rule.wait is None:
            continue
        for group in rule.alternatives:
            for test in group:
                if test.field in Intake.model_fields and test.op in ("eq", "in"):
                    values = test.value if test.op == "in" else (test.value,)
                    events += [(test.field, value, rule.wait.after) for value in values]
    return sorted(set(events))


@st.composite
def intakes_with_waits(draw: st.DrawFn) -> Intake:
    """A patient with nothing else to find and one to three events that start a wait (a blank date for a
    product means still in use), screened on any day, with or without an appointment."""
    screening = draw(st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)))
    answers: dict[str, Any] = {"screening_date": screening.isoformat()}
    for field, value, date_field in draw(st.lists(st.sampled_from(_dated_events()), min_size=1, max_size=3)):
        still = FIELDS[date_field].still_using
        days = draw((st.none() if still else st.nothing()) | st.integers(0, 60) | st.integers(0, 400))
        answers[field] = value
        answers[date_field] = None if days is None else days_ago(days, screening)
    appointment = draw(st.none() | st.integers(0, 90))
    if appointment is not None:
        answers["appointment_date"] = (screening + dt.timedelta(days=appointment)).isoformat()
    return minimal_intake(**answers)


@SLOW
@given(intakes_with_waits())
def test_the_reported_date_is_the_first_day_the_outcome_changes(screener: Screener, intake: Intake) -> None:
    decision = screen(screener, intake)
    ends = [f.wait_until for f in decisive(decision) if f.wait_until is not None]
    by_date = [c.on_date for c in decision.what_would_change if c.on_date and not c.answers]
    if decision.outcome is Outcome.SUITABLE or not ends:  # no decisive wait: moving the date cannot help
        assert by_date == []
        return
    first = None
    day = intake.reference_date + dt.timedelta(days=1)
    while day <= max(ends):
        # a day before the earliest date defers (clinical-rules.md §1a): only a less severe outcome is a change
        # the patient would want
        if screen(screener, with_answers(intake, {}, day)).outcome.severity < decision.outcome.severity:
            first = day
            break
        day += dt.timedelta(days=1)
    event("a day changes the outcome" if first else "no day changes the outcome")
    assert by_date == ([first] if first else [])


def _triggers() -> list[dict[str, Any]]:
    """The answers that trigger each rule with an outcome written as one group of plain answers."""
    found = []
    for rule in default_screener().ruleset.matchable:
        if rule.outcome is None or len(rule.alternatives) != 1:
            continue
        tests = rule.alternatives[0]
        if all(t.field in Intake.model_fields and t.op in ("eq", "in") for t in tests):
            found.append({t.field: t.value if t.op == "eq" else t.value[0] for t in tests})
    return found


@st.composite
def intakes_with_several_findings(draw: st.DrawFn) -> Intake:
    """A patient with two to four findings (and sometimes an event that starts a wait): often more than one
    finding of the decisive outcome, so that only a combination changes it."""
    answers: dict[str, Any] = {}
    for trigger in draw(st.lists(st.sampled_from(_triggers()), min_size=2, max_size=4)):
        if not set(trigger) & set(answers):  # two answers to one question would contradict each other
            answers.update(trigger)
    if draw(st.booleans()):
        field, value, date_field = draw(st.sampled_from(_dated_events()))
        if not {field, date_field} & set(answers):
            answers.update({field: value, date_field: days_ago(draw(st.integers(0, 60)))})
    return minimal_intake(**answers)


@SLOW
@given(intakes_with_several_findings())
def test_a_reported_combination_is_the_smallest_that_works(screener: Screener, intake: Intake) -> None:
    decision = screen(screener, intake)
    combos = [c for c in decision.what_would_change if c.kind == "smallest_combination"]
    assume(combos)
    (combo,) = combos
    event(f"a combination of {len(combo.answers)} answers" + (" and a date" if combo.on_date else ""))
    size = len([a for a in combo.answers if FIELDS[a.field].kind == "choice"]) + (combo.on_date is not None)
    flips = [{name: lowest(name)[0]} for name in answers_tested(screener.ruleset, decision, intake)
             if intake.model_dump(mode="json")[name] not in lowest(name)]
    moves: list[dict[str, Any]] = []
    for finding in decisive(decision):
        wait = screener.ruleset.rule(finding.rule_id).wait
        if wait and finding.wait_until:
            stop = {wait.after: intake.screening_date.isoformat()} if getattr(intake, wait.after) is None else {}
            moves.append({**stop, "_on": finding.wait_until})
    options = flips + moves
    assume(len(options) <= 9)
    for k in range(1, size):
        for group in itertools.combinations(options, k):
            answers = {n: v for part in group for n, v in part.items() if n != "_on"}
            dates = [part["_on"] for part in group if "_on" in part]
            after = screen(screener, with_answers(intake, answers, max(dates) if dates else None))
            assert after.outcome is decision.outcome, f"{group} is smaller than {combo.practitioner_text}"


# --- depth limits: the next limit ------------------------------------------------------------------------------------

_without: dict[str, Screener] = {}


def screener_without(ruleset: RuleSet, rule_id: str) -> Screener:
    if rule_id not in _without:
        from dataclasses import replace

        _without[rule_id] = Screener(replace(ruleset, rules=tuple(r for r in ruleset.rules if r.id != rule_id)))
    return _without[rule_id]


@SLOW
@given(intakes(max_risky=2, wild=False))
def test_each_depth_limit_names_the_limit_that_applies_without_its_rule(screener: Screener, intake: Intake) -> None:
    decision = screen(screener, intake)
    for limit in decision.depth_limits:
        assert limit.caps[limit.set_by] == limit.limit_mm == min(limit.caps.values())
        if limit.next_limit_mm is None:
            continue
        again = screener_without(screener.ruleset, limit.set_by).screen(intake)
        if again.outcome is Outcome.NOT_SUITABLE:
            continue
        same = next(d for d in again.depth_limits if d.treatment == limit.treatment)
        assert same.limit_mm == limit.next_limit_mm and same.set_by == limit.next_set_by


def test_the_text_report_shows_the_changes_and_the_validity(screener: Screener) -> None:
    from suitability.deciding.report import render_text

    decision = screen(screener, minimal_intake(isotretinoin="past", isotretinoin_last_dose="2026-01-10"))
    patient, clinician = render_text(decision), render_text(decision, clinician=True)
    assert "What would change it:" in patient and "From 10 Jul 2026" in patient
    assert "isotretinoin-past" not in patient and "clears isotretinoin-past" in clinician
    # which answers are asked again on the earliest day (10 Jul), never a bare "valid until" before it
    assert "Valid until" not in patient
    assert "on the day of your treatment (10 Jul 2026 at the earliest)" in patient and "pregnancy" in patient
