"""The README's screenshots are taken here, in Chromium, from a real journey: a patient's result page and the
practitioner's page of that case. They go to test-artifacts/ on every run; with SUITABILITY_WRITE_SCREENSHOTS=1
they also replace docs/screenshots/ (PNG at CSS scale, kept small), to be committed when the pages change on purpose."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.common.browser_practitioner import PractitionerTab, add_account
from tests.common.browser_wizard import Patient

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
MAX_BYTES = 200_000  # the case page's first screen holds its summary beside the decision form


def _shot(page: Any, path: Path) -> None:
    page.screenshot(path=str(path), type="png", full_page=False, scale="css")


def test_the_readme_screenshots_come_from_a_real_journey(browser: Browser, live_server: Any,
                                                         artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 420, "height": 900})
    patient = Patient(context.new_page(), live_server.url, "", artifacts, javascript=False)
    patient.start()
    patient.answer_all({"cold_sore_history": "yes"})
    patient.send()
    reference = patient.page.locator(".reference").inner_text().strip()
    assert re.fullmatch(r"MN-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    _shot(patient.page, artifacts / "patient-result.png")
    context.close()

    add_account(live_server.app, "e2e-screenshots", "Sam Practitioner")
    practitioner = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = PractitionerTab(practitioner, live_server.url)
    tab.sign_in("e2e-screenshots")
    tab.open_case(reference)
    _shot(tab.page, artifacts / "case-page.png")
    practitioner.close()

    for name in ("patient-result.png", "case-page.png"):
        taken = artifacts / name
        assert taken.read_bytes()[:3] == b"\x89PN" and taken.stat().st_size < MAX_BYTES
        if os.environ.get("SUITABILITY_WRITE_SCREENSHOTS"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(taken, SHOTS / name)


@pytest.mark.parametrize("name", ["patient-result.png", "case-page.png"])
def test_the_committed_screenshots_are_small_and_shown_in_the_readme(name: str) -> None:
    path = SHOTS / name
    assert path.is_file(), "take them with SUITABILITY_WRITE_SCREENSHOTS=1 (module docstring)"
    assert path.read_bytes()[:3] == b"\x89PN" and path.stat().st_size < MAX_BYTES
    assert f"(docs/screenshots/{name})" in (ROOT / "README.md").read_text(encoding="utf-8")
