"""Fixtures every test folder may request, Hypothesis profiles (`dev` locally, `ci` when CI=true), and the check
that no patient's answers reach a log line."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.common.answer_leaks import leaks

# Fixtures defined once, under the names the tests request: `postgres_server` and `db` (a Database of each kind),
# `rules_dir` (an editable copy of the shipped rules), `sqlite_db`, `changed_screener` and `shipped_screener`.
pytest_plugins = ["tests.common.pg", "tests.common.app_support", "tests.common.rescreen_fixtures"]

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev"))


@pytest.fixture(autouse=True)
def _no_answers_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test whose log records (every level: log_level is DEBUG in pyproject.toml) print an answer."""
    yield
    records: list[logging.LogRecord] = caplog.get_records("setup") + caplog.get_records("call")
    found = leaks(records)
    if found:
        pytest.fail("a patient's answers reached the log:\n" + "\n".join(found[:5]), pytrace=False)
