"""Shared fixtures and Hypothesis profiles (`dev` locally, `ci` when CI=true)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev"))


# Issue 6: no answer text in any log line during a full test run. Every test's log records (at whatever level
# the test captures: DEBUG, set in pyproject.toml) are checked for a patient's answers printed with their values.
import logging as _logging
from collections.abc import Iterator as _Iterator

import pytest as _pytest
from answer_leaks import leaks as _answer_leaks


@_pytest.fixture(autouse=True)
def _no_answers_in_logs(caplog: _pytest.LogCaptureFixture) -> _Iterator[None]:
    yield
    records: list[_logging.LogRecord] = caplog.get_records("setup") + caplog.get_records("call")
    found = _answer_leaks(records)
    if found:
        _pytest.fail("a patient's answers reached the log:\n" + "\n".join(found[:5]), pytrace=False)
