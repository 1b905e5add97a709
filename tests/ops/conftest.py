"""Fixtures for the operations tests: a copied rules folder the test may edit, the session's PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # patient_form: drive the form as a browser

from app_support import copied_rules_dir as rules_dir  # noqa: F401 - a fixture, used by name
from pg import ServerInfo, postgres_server  # noqa: F401 - the session's PostgreSQL, a fixture
