"""H11: when screening fails, the log says what failed and where, never a patient's answer: exception messages
(ours, pydantic's, a bug's) can quote the answers, so neither the message nor a traceback is logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pydantic import ValidationError

from tests.common.minimal import minimal_intake

from suitability import Intake, Outcome, Screener, load_rules
from suitability import screening as screening_module
from suitability.screening import ENGINE_FAILED_FLAG

SECRET = "Zanzibar-1977-07-17"  # stands for an answer: it must never reach a log line


def pydantic_error() -> ValidationError:
    try:
        Intake.model_validate({"age": SECRET})
    except ValidationError as exc:
        return exc
    raise AssertionError("the intake accepted a text age")


def chained() -> Exception:
    try:
        raise ValueError(SECRET)
    except ValueError as cause:
        try:
            raise RuntimeError("wrapper") from cause
        except RuntimeError as exc:
            return exc


ERRORS = {
    "a bug quoting the intake": lambda intake: RuntimeError(f"bad intake {intake!r} {SECRET}"),
    "a pydantic error with the input": lambda facts: pydantic_error(),
    "a KeyError of an answer": lambda facts: KeyError(SECRET),
    "a chained cause": lambda facts: chained(),
}


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(load_rules())


def assert_clean(caplog: pytest.LogCaptureFixture, type_name: str, version: str) -> None:
    assert caplog.records, "the failure was not logged at all"
    text = caplog.text + " ".join(r.getMessage() for r in caplog.records)
    assert SECRET not in text and "1977" not in text and "pregnant" not in text
    assert all(r.exc_info is None and r.exc_text is None and r.stack_info is None for r in caplog.records)
    assert type_name in text and version in text
    assert "screening.py:" in text  # where it happened, without what it held


@pytest.mark.parametrize("make", ERRORS.values(), ids=list(ERRORS))
def test_an_engine_failure_logs_type_version_and_place_but_no_answer(
        screener: Screener, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, make: Any) -> None:
    intake = minimal_intake(date_of_birth="1977-07-17", age=None, pregnant="yes")

    def fail(intake: Any) -> Any:
        raise make(intake)  # the error's message holds the intake

    monkeypatch.setattr(screener._current[1], "match_intake", fail)
    with caplog.at_level(logging.DEBUG):
        decision = screener.screen(intake)
    assert decision.outcome is Outcome.REVIEW and ENGINE_FAILED_FLAG in decision.flags
    assert_clean(caplog, type(make({})).__name__, screener.ruleset.version)


def test_a_failure_of_what_would_change_it_logs_no_answer_and_keeps_the_decision(
        screener: Screener, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    intake = minimal_intake(date_of_birth="1977-07-17", age=None, pregnant="yes")
    expected = screener.screen(intake, explain=False)

    def fail(*args: Any) -> Any:
        raise ValueError(f"cannot vary {args[1]!r} {SECRET}")

    monkeypatch.setattr(screening_module, "what_would_change", fail)
    with caplog.at_level(logging.DEBUG):
        decision = screener.screen(intake)
    assert decision == expected
    assert_clean(caplog, "ValueError", screener.ruleset.version)
