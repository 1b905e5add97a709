"""A practitioner in a real browser: accounts made with `suitability users add`, and a tab that signs in, finds
cases by reference and decides them, collecting console errors and CSP violations on every page it sees."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from suitability.storage import Case, get_case, get_case_by_reference
from suitability.storage.review_models import Review, User
from suitability.storage.reviews import reviews_for
from suitability.web.database import get_db

PASSWORD = "e2e practitioner passphrase 42"
SIGN_IN = "Practitioner sign-in"
# Recorded in each document before its own scripts run; CSP refusals also reach the console as errors.
CSP_WATCH = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


def add_account(app: Flask, username: str, display_name: str) -> None:
    """`suitability users add` in a process of its own, on the live server's database, password on stdin."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SUITABILITY_DATABASE_URL")}
    env["SUITABILITY_INSTANCE_PATH"] = app.instance_path
    done = subprocess.run(
        [sys.executable, "-m", "suitability.cli", "users", "add", username, "--password-stdin", "--name", display_name],
        input=PASSWORD + "\n", env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert f"added {username} (practitioner)" in done.stdout


def stored_case(app: Flask, *, case_id: str = "", reference: str = "") -> Case:
    with app.app_context(), get_db().session() as session:
        case = get_case(session, case_id) if case_id else get_case_by_reference(session, reference)
    assert case is not None
    return case


def stored_reviews(app: Flask, case_id: str) -> list[tuple[Review, User]]:
    with app.app_context(), get_db().session() as session:
        return reviews_for(session, case_id)


class PractitionerTab:
    """One practitioner's browser context and tab on the live server."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        context.add_init_script(CSP_WATCH)
        self.context = context
        self.page: Page = context.new_page()
        self.base = base_url
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def check_page(self, name: str, *, status: int = 200) -> None:
        """No script error and no CSP refusal on this page; a 4xx page may log its own status and nothing else."""
        violations = self.page.evaluate("window.__csp || []")
        assert violations == [], f"CSP violations on {name}: {violations}"
        expected = f"the server responded with a status of {status}"
        errors = [e for e in self.console_errors if status == 200 or expected not in e]
        assert errors == [], f"console errors on {name}: {errors}"
        self.console_errors.clear()

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text()

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base + "/practitioner/")
        expect(self.page.get_by_role("heading", level=1)).to_have_text(SIGN_IN)  # sent to sign in first
        self.check_page("sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Cases to review")
        self.check_page("queue")

    def search(self, reference: str, status: str = "open") -> list[str]:
        """The references the queue lists for this search under this status filter."""
        self.page.goto(self.base + "/practitioner/")
        self.page.get_by_label("Status").select_option(status)
        self.page.get_by_label("Reference code").fill(reference)
        self.page.get_by_role("button", name="Show cases").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Cases to review")
        self.check_page(f"queue-{status}")
        return [text.strip() for text in self.page.locator("a.case-link").all_inner_texts()]

    def open_case(self, reference: str, typed: str = "") -> None:
        """Search for the case (as `typed`, else its reference) and open it from the queue."""
        assert self.search(typed or reference) == [reference]
        self.page.get_by_role("link", name=reference).click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
        self.check_page("case")

    def decide(self, action: str, **fields: Any) -> None:
        """Fill the decide form (depth-<i>, override_reason, override_note, note) and send it."""
        self.page.get_by_role("radio", name=action, exact=True).check()
        for name, value in fields.items():
            control = self.page.locator(f"#d-{name}")
            if name == "override_reason":
                control.select_option(label=value)
            else:
                control.fill(str(value))
        self.page.get_by_role("button", name="Record decision").click()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(SIGN_IN)
        expect(self.page.get_by_role("status").filter(has_text="You are signed out.")).to_be_visible()


__all__ = ["PASSWORD", "PractitionerTab", "add_account", "stored_case", "stored_reviews"]
