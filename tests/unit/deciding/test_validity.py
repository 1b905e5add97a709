"""Decision validity: `valid_until` from the time-sensitive answers (rules/ruleset.yaml `validity:`), and the
check-in that asks again only the questions whose answers have run out."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from tests.common.minimal import SCREENING, days_ago, minimal_intake
from tests.common.rules_support import reseal

from suitability import Outcome, RuleFileError, Screener, default_screener, load_rules
from suitability.deciding.validity import answers_at_checkin, questions_to_reask, valid_until
from suitability.rules.conditions import Period
from suitability.rules.loading import default_rules_dir

RULES = default_screener().ruleset  # the shipped rules, whose validity table is TABLE
TABLE = yaml.safe_load((default_rules_dir() / "ruleset.yaml").read_text(encoding="utf-8"))["validity"]


def days_of(text: str) -> int:
    """'7 days' -> 7, '14 days' -> 14; months are not used for the shortest periods."""
    n, unit = text.split()
    assert unit in ("day", "days"), text
    return int(n)


@pytest.fixture(scope="module")
def screener() -> Screener:
    return default_screener()


def test_the_table_lives_in_the_rule_data_and_covers_the_time_sensitive_questions(screener: Screener) -> None:
    table = screener.ruleset.validity
    for question in ("pregnant", "tan", "self_tanner", "sunburn", "retinoid", "isotretinoin", "chemical_peel",
                     "botulinum_toxin", "dermal_filler", "cold_sore_now", "breastfeeding"):
        assert question in table, question
    assert set(table) == set(TABLE)


def test_a_decision_is_valid_until_the_shortest_period_of_the_questions_asked(screener: Screener) -> None:
    decision = screener.screen(minimal_intake())
    always_asked = [q for q in TABLE if q in ("pregnant", "sunburn", "tan", "retinoid")]
    shortest = min(days_of(TABLE[q]) for q in always_asked)
    assert decision.valid_until == SCREENING + dt.timedelta(days=shortest)


def test_a_follow_up_counts_only_when_it_was_asked() -> None:
    table = {"eczema_flaring": Period(days=3), "tan": Period(days=14)}
    assert valid_until(table, minimal_intake()) == SCREENING + dt.timedelta(days=14)
    flaring = minimal_intake(eczema="yes", eczema_flaring="no")
    assert valid_until(table, flaring) == SCREENING + dt.timedelta(days=3)
    assert valid_until({}, flaring) is None


def test_months_are_calendar_months() -> None:
    intake = minimal_intake(screening_date="2026-08-31")
    assert valid_until({"isotretinoin": Period(months=6)}, intake) == dt.date(2027, 2, 28)


def test_nothing_is_asked_again_while_the_decision_is_valid(screener: Screener) -> None:
    decision = screener.screen(minimal_intake())
    assert decision.valid_until is not None
    assert questions_to_reask(decision, decision.valid_until, ruleset=RULES) == ()
    assert questions_to_reask(minimal_intake(), decision.valid_until, ruleset=RULES) == ()


def test_only_the_expired_questions_and_their_follow_ups_are_asked_again() -> None:
    intake = minimal_intake()
    week = {q for q, text in TABLE.items() if days_of_or_none(text) == 7}
    asked = set(questions_to_reask(intake, SCREENING + dt.timedelta(days=8), ruleset=RULES))
    assert "pregnant" in asked and "sunburn" in asked and "sunburn_date" in asked
    assert "tan" not in asked and "keloid" not in asked
    assert "eczema_flaring" not in asked  # eczema is "no": the follow-up is not shown
    not_shown = {"eczema_flaring", "psoriasis_in_area", "rosacea_active", "autoimmune_flare"}  # parents "no"
    assert {q for q in asked if q in TABLE} == week - not_shown
    later = set(questions_to_reask(intake, SCREENING + dt.timedelta(days=15), ruleset=RULES))
    assert {"tan", "tan_date", "retinoid", "retinoid_last_use", "dermal_filler"} <= later
    assert "breastfeeding" not in later and "isotretinoin" not in later


def days_of_or_none(text: str) -> int | None:
    n, unit = text.split()
    return int(n) if unit.startswith("day") else None


def test_from_a_decision_every_follow_up_of_an_expired_question_is_included(screener: Screener) -> None:
    decision = screener.screen(minimal_intake())
    asked = questions_to_reask(decision, SCREENING + dt.timedelta(days=8), ruleset=RULES)
    assert "eczema_flaring" in asked and "sunburn_date" in asked


def test_the_check_in_screens_again_with_only_the_new_answers(screener: Screener) -> None:
    intake = minimal_intake(keloid="no", tan="yes", tan_date=days_ago(40))
    checkin = SCREENING + dt.timedelta(days=10)
    asked = questions_to_reask(intake, checkin, ruleset=RULES)
    answers = {q: "no" for q in asked if not q.endswith(("_date", "_last_use", "_last_dose"))}
    answers["pregnant"] = "yes"
    again = answers_at_checkin(intake, answers, checkin, ruleset=RULES)
    assert again.screening_date == checkin and again.appointment_date == checkin
    assert again.tan_date == intake.tan_date and again.keloid == intake.keloid  # kept: not asked again
    decision = screener.screen(again)
    assert decision.outcome is Outcome.NOT_SUITABLE
    assert decision.valid_until == checkin + dt.timedelta(days=7)


def test_the_check_in_refuses_an_answer_that_was_not_asked_again() -> None:
    intake = minimal_intake()
    with pytest.raises(ValueError, match="not asked again at check-in: keloid"):
        answers_at_checkin(intake, {"keloid": "yes"}, SCREENING + dt.timedelta(days=8), ruleset=RULES)


def test_a_question_asked_again_and_left_blank_is_not_sure_never_the_old_answer(screener: Screener) -> None:
    intake = minimal_intake()
    again = answers_at_checkin(intake, {}, SCREENING + dt.timedelta(days=8), ruleset=RULES)
    assert again.pregnant is None
    assert screener.screen(again).outcome is Outcome.REVIEW


@pytest.mark.parametrize(("entry", "field", "suggestion"), [
    ("  pregnnat: 7 days\n", "validity.pregnnat", "pregnant"),
    ("  pregnant: 7 fortnights\n", "validity.pregnant", None),
])
def test_a_bad_validity_entry_is_refused_at_load(tmp_path: Path, entry: str, field: str,
                                                 suggestion: str | None) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    manifest = rules / "ruleset.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("\n  pregnant: 7 days\n", "\n  pregnant: 7 days\n" + entry, 1), encoding="utf-8")
    reseal(rules)
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules)
    assert (caught.value.file, caught.value.field, caught.value.suggestion) == ("ruleset.yaml", field, suggestion)
