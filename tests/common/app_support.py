"""What every web-facing test folder needs: an app on a fresh SQLite file, the form fields for a page, and a
copy of the shipped rules a test may edit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.common.rules_support import copy_rules

from suitability import set_default_screener
from suitability.web import create_app
from suitability.web.patient.questions import Page

SECRET = "test-secret-key-that-is-long-enough-0123456789"


def make_app(tmp_path: Path, **config: Any) -> Flask:
    """An app whose instance folder (and so its SQLite file) is `tmp_path`; CSRF off unless asked for."""
    settings = {"TESTING": True, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path),
                "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False}
    settings.update(config)
    return create_app(settings)


def group_ticks(page: Page, data: dict[str, Any]) -> dict[str, list[str]]:
    """The boxes a person ticks in each checkbox group of `page` to give the answers in `data`: each "yes";
    "I am not sure about some" when any is "not sure" or left out; "None of these" when all are "no"."""
    form: dict[str, list[str]] = {}
    for group in page.groups:
        values = [data.get(name) for name in group.names]
        ticked = [name for name, value in zip(group.names, values, strict=True) if value == "yes"]
        if any(value != "yes" and value != "no" for value in values):
            ticked.append("not_sure")
        form[group.key] = ticked or ["none"]
    return form


def page_form(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """The form fields a person would fill on `page` and its details screen to give the answers in `data`
    (intake JSON names), posted at once: the group ticks, then every answer a screen of the page asks."""
    form: dict[str, Any] = dict(group_ticks(page, data))
    for question in page.all_questions():
        value = data.get(question.name)
        if value is None:
            continue
        if question.kind == "treatments":
            for i, item in enumerate(value):
                form[f"{question.name}-{i}-area"] = item["area"]
                form[f"{question.name}-{i}-concern"] = item["concern"]
        elif question.kind == "areas":
            form[question.name] = list(value)
        else:
            form[question.name] = str(value)
    return form


@pytest.fixture
def rules_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A sealed copy of the shipped rules without their clinical scenarios (the tests that use it change
    clinical values on purpose: rules_support.copy_rules) as SUITABILITY_RULES_DIR; no screener in memory before or after (the next
    test builds its own, and a hold on unapproved rules ends)."""
    target = copy_rules(tmp_path / "rules", scenarios=False)
    monkeypatch.setenv("SUITABILITY_RULES_DIR", str(target))
    set_default_screener(None)
    yield target
    set_default_screener(None)
