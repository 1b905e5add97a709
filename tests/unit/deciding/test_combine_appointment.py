"""The appointment is the moment of truth (clinical-rules.md §1 and §1a): an appointment before the earliest date
defers and says so first, instructions are dated from a day the treatment can happen and never in the past, a
precaution stands once its wait has passed while a deferral lapses, and rule files say which a wait is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from tests.common.minimal import minimal_intake

from suitability import Outcome, RuleFileError, load_rules, screen
from suitability.deciding.combine import APPOINTMENT_TOO_SOON
from suitability.decision import Decision, Instruction
from suitability.rules.loading import _TextLoader, load_rules_from_files
from suitability.rules.parsing import parse_instructions, parse_rule
from suitability.rules.seal import sealed


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def by_id(decision: Decision) -> dict[str, Instruction]:
    return {i.id: i for i in decision.instructions}


# --- an appointment before the earliest date ------------------------------------------------------------------

def test_retinoid_used_today_with_an_appointment_in_8_days_is_deferred_and_told_first() -> None:
    # the case reported: "You can go ahead", an earliest date after the appointment, "stop retinoid from" a
    # date before both the pre-screen and the last use
    decision = screen(minimal_intake(retinoid="yes", retinoid_last_use="2026-03-01", appointment_date="2026-03-09"))
    assert decision.outcome is Outcome.DEFER
    assert decision.earliest_date == d("2026-03-11")
    assert decision.headline == ("Your appointment on 9 Mar 2026 is too early: the earliest date is 11 Mar 2026; "
                                 "please move it.")
    assert APPOINTMENT_TOO_SOON in decision.flags
    steps = by_id(decision)
    assert steps["P3"].starts == d("2026-03-01")  # 10 days before the earliest date, never before the pre-screen
    assert steps["A3"].starts == d("2026-03-11") and steps["A3"].ends == d("2026-03-14")  # aftercare from then
    assert all(i.starts is None or i.starts >= d("2026-03-11") for i in decision.instructions
               if i.phase.value != "before")


def test_the_spec_example_names_both_dates_in_the_headline() -> None:
    decision = screen(minimal_intake(screening_date="2026-06-01", aspirin="yes", aspirin_last_use="2026-05-29",
                                     appointment_date="2026-06-10"))
    assert decision.outcome is Outcome.DEFER
    assert decision.headline == ("Your appointment on 10 Jun 2026 is too early: the earliest date is 12 Jun 2026; "
                                 "please move it.")
    pause = by_id(decision)["P7-ASA"]  # 12 Jun - 14 days = 29 May, before the pre-screen: "now"
    assert pause.starts == d("2026-06-01") and "stop it now" in pause.text


def test_a_deferral_stays_a_deferral_and_gets_the_headline_too() -> None:
    decision = screen(minimal_intake(chemical_peel="superficial", chemical_peel_date="2026-02-15",
                                     appointment_date="2026-03-10"))
    assert decision.outcome is Outcome.DEFER
    assert decision.headline is not None and "10 Mar 2026" in decision.headline and "17 Mar 2026" in decision.headline


def test_a_not_suitable_outcome_is_not_softened_by_a_too_early_appointment() -> None:
    decision = screen(minimal_intake(pregnant="yes", nsaid="yes", appointment_date="2026-03-03"))
    assert decision.outcome is Outcome.NOT_SUITABLE
    assert decision.headline is not None


def test_an_appointment_on_the_earliest_date_goes_ahead_with_no_headline() -> None:
    decision = screen(minimal_intake(retinoid="yes", retinoid_last_use="2026-03-01", appointment_date="2026-03-11"))
    assert decision.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS
    assert decision.headline is None and APPOINTMENT_TOO_SOON not in decision.flags
    assert by_id(decision)["P3"].starts == d("2026-03-01")


def test_the_headline_round_trips_in_json() -> None:
    decision = screen(minimal_intake(nsaid="yes", appointment_date="2026-03-03"))
    assert Decision.model_validate_json(decision.model_dump_json()) == decision
    assert decision.model_dump(mode="json")["headline"].startswith("Your appointment on 3 Mar 2026 is too early")


# --- never a past date -----------------------------------------------------------------------------------------

def test_an_instruction_that_would_start_before_the_pre_screen_says_now() -> None:
    # retinoid stopped a month ago (the precaution stands), appointment in 4 days: "stop from 23 Feb" is past
    decision = screen(minimal_intake(retinoid="yes", retinoid_last_use="2026-02-01", appointment_date="2026-03-05"))
    assert decision.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS
    p3 = by_id(decision)["P3"]
    assert p3.starts == d("2026-03-01")
    assert "now" in p3.text and "do not use them again before your appointment" in p3.text
    assert "Feb" not in p3.text


def test_every_catalogue_instruction_that_can_start_in_the_past_has_a_now_text() -> None:
    ruleset = load_rules()
    for spec in ruleset.instructions.values():
        if spec.phase.value == "before" and spec.days_before and spec.dated:
            assert spec.now and "now" in spec.now, spec.id


def test_an_instruction_without_a_now_text_is_refused_at_load() -> None:
    raw = {"instructions": [{"id": "P99", "phase": "before", "days_before": 3, "text": "Stop it 3 days before.",
                             "dated": "Stop it from {starts}."}]}
    with pytest.raises(RuleFileError) as caught:
        parse_instructions(raw)
    assert (caught.value.file, caught.value.rule_id, caught.value.field) == ("instructions.yaml", "P99", "now")


# --- passed waits ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("answers", "rule_id", "instruction", "days"), [
    pytest.param({"nsaid": "yes", "nsaid_last_use": "2026-02-27"}, "nsaid", "P7", 7, id="nsaid"),
    pytest.param({"aspirin": "yes", "aspirin_last_use": "2026-02-27"}, "aspirin", "P7-ASA", 14, id="aspirin"),
    pytest.param({"supplements": "yes", "supplements_last_use": "2026-02-27"}, "supplements", "P9", 7,
                 id="supplements"),
    pytest.param({"retinoid": "yes", "retinoid_last_use": "2026-02-27"}, "retinoid", "P3", 10, id="retinoid"),
    pytest.param({"exfoliant_acids": "yes", "exfoliant_acids_last_use": "2026-02-27"}, "exfoliant-acids", "P4", 7,
                 id="acids"),
    pytest.param({"benzoyl_peroxide": "yes", "benzoyl_peroxide_last_use": "2026-02-27"}, "benzoyl-peroxide",
                 "P4-BPO", 10, id="benzoyl-peroxide"),
])
def test_a_precaution_whose_wait_passed_before_the_appointment_still_stands(
        answers: dict[str, Any], rule_id: str, instruction: str, days: int) -> None:
    # last taken 3 weeks before a 20 Mar appointment: still a precaution, paused N days before the appointment
    decision = screen(minimal_intake(appointment_date="2026-03-20", **answers))
    assert decision.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS
    assert rule_id in {f.rule_id for f in decision.findings}
    assert decision.earliest_date is None and decision.headline is None
    step = by_id(decision)[instruction]
    assert step.starts == d("2026-03-20") - dt.timedelta(days=days)
    assert "from " in step.text


def test_a_deferral_whose_wait_has_passed_no_longer_defers() -> None:
    decision = screen(minimal_intake(chemical_peel="superficial", chemical_peel_date="2026-02-10",
                                     appointment_date="2026-03-15"))
    assert decision.outcome is Outcome.SUITABLE
    assert "peel-superficial" not in {f.rule_id for f in decision.findings}


def test_a_passed_wait_adds_nothing_to_the_earliest_date() -> None:
    # NSAID wait ends 27 Feb (passed), aspirin wait ends 5 Mar: the earliest date is the aspirin's alone
    decision = screen(minimal_intake(nsaid="yes", nsaid_last_use="2026-02-20", aspirin="yes",
                                     aspirin_last_use="2026-02-20"))
    assert decision.earliest_date == d("2026-03-06")


# --- rule files say what a wait does once passed -----------------------------------------------------------------

BASE = {"id": "x-rule", "title": "t", "patient": "p", "rationale": "r", "sources": ["test"], "when": {"nsaid": "yes"}}


@pytest.mark.parametrize(("outcome", "once", "message"), [
    ("defer", "stands", "lapses"),
    ("suitable_with_precautions", "lapses", "stands"),
    ("review", "stands", "lapses"),
    ("defer", None, "once_passed"),
    ("defer", "forever", "stands"),
])
def test_a_wait_that_contradicts_its_outcome_is_refused_naming_file_rule_and_field(
        outcome: str, once: str | None, message: str) -> None:
    wait: dict[str, Any] = {"after": "nsaid_last_use", "days": 7}
    if once is not None:
        wait["once_passed"] = once
    with pytest.raises(RuleFileError, match=message) as caught:
        parse_rule({**BASE, "outcome": outcome, "wait": wait}, "medicines.yaml")
    assert (caught.value.file, caught.value.rule_id, caught.value.field) == (
        "medicines.yaml", "x-rule", "wait.once_passed")


def test_a_less_strict_outcome_must_agree_with_the_wait_it_keeps() -> None:
    raw = {**BASE, "outcome": "defer", "wait": {"after": "nsaid_last_use", "days": 7, "once_passed": "lapses"},
           "less_strict": {"reading": "r", "held_by": "h", "outcome": "suitable_with_precautions"}}
    with pytest.raises(RuleFileError) as caught:
        parse_rule(raw, "medicines.yaml")
    assert caught.value.field == "less_strict.wait.once_passed"


def test_every_shipped_wait_says_what_it_does_once_passed() -> None:
    for rule in load_rules().rules:
        if rule.wait is not None:
            assert rule.wait.stands is (rule.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS), rule.id


def test_a_shipped_rule_file_without_once_passed_is_refused() -> None:
    files = dict(load_rules().files)
    data = yaml.load(files["medicines.yaml"], Loader=_TextLoader)
    nsaid = next(r for r in data["rules"] if r["id"] == "nsaid")
    del nsaid["wait"]["once_passed"]
    files["medicines.yaml"] = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    with pytest.raises(RuleFileError) as caught:
        load_rules_from_files(sealed(files))  # sealed again: the refusal is the loader's, not the seal's
    assert (caught.value.file, caught.value.rule_id, caught.value.field) == (
        "medicines.yaml", "nsaid", "wait.once_passed")


# --- validity in plain words -------------------------------------------------------------------------------------

def test_answers_that_run_out_before_the_appointment_are_named_as_asked_again_on_that_day() -> None:
    decision = screen(minimal_intake(appointment_date="2026-03-20"))  # pregnancy & co. hold 7 days
    assert decision.valid_until == d("2026-03-08")
    text = decision.asked_again or ""
    assert "your appointment on 20 Mar 2026" in text and "pregnancy" in text and "cold sores" in text
    assert "ask you again" in text and "Valid until" not in text


def test_answers_that_hold_up_to_the_appointment_need_nothing_asked_again() -> None:
    decision = screen(minimal_intake(appointment_date="2026-03-05"))
    assert decision.asked_again is not None and "nothing needs asking again" in decision.asked_again


def test_answers_that_run_out_before_the_earliest_date_say_what_happens_then() -> None:
    # tan 4 weeks: earliest 20 Mar, after every answer's validity; the patient is told they are asked again then
    decision = screen(minimal_intake(tan="yes", tan_date="2026-02-20"))
    assert decision.earliest_date == d("2026-03-20") and decision.valid_until is not None
    assert decision.valid_until < decision.earliest_date
    text = decision.asked_again or ""
    assert "20 Mar 2026 at the earliest" in text and "tanning" in text
    assert "whole pre-screen again" in text


def test_a_too_early_appointment_counts_what_is_asked_again_from_the_earliest_date() -> None:
    decision = screen(minimal_intake(retinoid="yes", retinoid_last_use="2026-03-01", appointment_date="2026-03-09"))
    text = decision.asked_again or ""
    assert "11 Mar 2026 at the earliest" in text and "9 Mar" not in text
