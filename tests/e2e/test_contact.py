"""Where the clinic collects contacts (SUITABILITY_COLLECT_CONTACT), in Chromium: the patient gives a name and a
contact on a step of its own after the questions (keyboard only, axe clean, no sideways scroll at 375 px), the
result page never shows them, and a signed-in practitioner finds the case by the name and sees the contact."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from werkzeug.serving import make_server

from tests.common.browser_practitioner import PractitionerTab, add_account
from tests.common.browser_wizard import PAGES, Patient

from suitability.web import create_app
from suitability.web.database import get_db

pytestmark = pytest.mark.e2e


class Server:
    """A clinic that collects contacts, on a loopback port of its own."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture(scope="module")
def collecting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    instance = tmp_path_factory.mktemp("e2e-contact")
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "e2e-contact-key-0123456789-abcdefghijkl",
                      "SESSION_COOKIE_SECURE": False, "COLLECT_CONTACT": True})
    running = Server(app)
    thread = threading.Thread(target=running.server.serve_forever, daemon=True)
    thread.start()
    yield running
    running.server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        get_db().dispose()


def test_a_patient_gives_a_contact_that_only_staff_see(browser: Browser, collecting: Server,
                                                       axe_source: str, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812})
    patient = Patient(context.new_page(), collecting.url, axe_source, artifacts)
    patient.start()
    for form_page in PAGES:
        patient.answer_page(form_page, {}, shot=False)
    page = patient.page
    expect(page.get_by_role("heading", level=1)).to_have_text("How the clinic can reach you")
    patient.check_page("contact")
    page.get_by_label("Your full name").focus()
    page.keyboard.type("Zoë Contact-Test")
    page.keyboard.press("Tab")
    page.keyboard.type("zoe@example.org")
    page.keyboard.press("Enter")
    expect(page.locator("#contact-summary")).to_contain_text("Zoë Contact-Test, zoe@example.org")
    patient.send()
    expect(page.locator("main")).not_to_contain_text("Zoë")
    expect(page.locator("main")).not_to_contain_text("zoe@example.org")
    reference = page.locator(".reference").first.inner_text().strip()
    context.close()

    add_account(collecting.app, "e2e-contact", "Cam Practitioner")
    staff = PractitionerTab(browser.new_context(viewport={"width": 1280, "height": 800}), collecting.url)
    staff.sign_in("e2e-contact")
    staff.page.goto(f"{collecting.url}/practitioner/?status=all&scope=every")
    search = staff.page.get_by_label("Search by reference code")
    search.focus()
    staff.page.keyboard.type("zoë")
    staff.page.keyboard.press("Enter")
    link = staff.page.get_by_role("link", name=reference)
    expect(link).to_be_visible()
    staff.page.screenshot(path=str(artifacts / "queue-by-name-1280.png"), full_page=True)
    link.focus()
    staff.page.keyboard.press("Enter")
    expect(staff.page.locator("#contact")).to_have_text("Zoë Contact-Test, zoe@example.org")
    staff.page.screenshot(path=str(artifacts / "case-with-contact-1280.png"), full_page=True)
    staff.check_page("case")
    staff.context.close()
