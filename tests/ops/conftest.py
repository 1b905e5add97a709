"""Fixtures for the operations tests: a copied rules folder the test may edit, the session's PostgreSQL."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # patient_form: drive the form as a browser

from pg import ServerInfo, postgres_server  # noqa: F401 - the session's PostgreSQL, a fixture

from suitability import set_default_screener
from suitability.ruleset import default_rules_dir


@pytest.fixture
def rules_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped rules as SUITABILITY_RULES_DIR, and a default screener built from it."""
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    monkeypatch.setenv("SUITABILITY_RULES_DIR", str(target))
    set_default_screener(None)
    yield target
    set_default_screener(None)  # the next test builds its own from whatever rules it sets up
