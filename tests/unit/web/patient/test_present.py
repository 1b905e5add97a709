"""The result's headline matches the reasons under it: a wait that also needs a practitioner's check says both,
and the reasons are listed under what they mean."""

from __future__ import annotations

from flask import Flask

from tests.common.minimal import days_ago, minimal_intake

from suitability import screen
from suitability.vocabulary import Outcome
from suitability.web.patient.present import HEADLINES, present


def test_a_wait_with_answers_to_check_names_the_practitioner_in_its_headline(app: Flask) -> None:
    decision = screen(minimal_intake(sunburn="yes", sunburn_date=days_ago(2), bleeding_disorder="not_sure"))
    assert decision.outcome is Outcome.DEFER
    with app.test_request_context("/"):
        result = present(decision)
    assert "please wait" in result.headline and "practitioner" in result.headline
    assert "contact you" in result.next_steps
    headings = [heading for heading, _ in result.reason_sections]
    assert headings == ["Why you need to wait", "What a practitioner needs to check with you"]
    assert sum(len(texts) for _, texts in result.reason_sections) == len(result.reasons)


def test_a_plain_wait_keeps_its_headline(app: Flask) -> None:
    decision = screen(minimal_intake(sunburn="yes", sunburn_date=days_ago(2)))
    assert decision.outcome is Outcome.DEFER
    with app.test_request_context("/"):
        result = present(decision)
    assert result.headline == HEADLINES[Outcome.DEFER]
    assert result.reason_sections[0][0] == "Why you need to wait"
    assert "What a practitioner needs to check with you" not in [h for h, _ in result.reason_sections]
