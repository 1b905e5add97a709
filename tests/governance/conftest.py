"""Fixtures for rule-set approval: a copied rules folder the test may edit, databases of both kinds."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ops"))  # gunicorn_support: real app servers
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # patient_form: drive the form
from app_support import copied_rules_dir as rules_dir  # noqa: F401 - a fixture, used by name
from pg import database_of_each_kind as db  # noqa: F401 - a fixture: a Database of each kind
from pg import postgres_server  # noqa: F401 - the session's PostgreSQL, a fixture
