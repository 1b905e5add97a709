"""The wizard's state, in the signed session cookie so any app server can serve the next page.

Holds the consent, the answers so far, the submit tokens this browser was given and the cases it may see.
The cookie is sealed (authenticated encryption, web/sessions.py) as well as signed: someone at a shared
computer, or holding a copy of the cookie, reads nothing of the answers from it. It is sent only over the
connection (HttpOnly, SameSite=Lax, Secure in production), dropped after an idle hour or two and cleared of
answers once they are submitted.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

from flask import Response, current_app, session

from ... import clock

KEEP_TOKENS = 3
KEEP_CASES = 5


def today() -> dt.date:
    """The date of the pre-screen: today in the clinic's time zone (one place, so tests can fix it)."""
    return clock.today(current_app.config["CLINIC_ZONE"])


def refresh() -> None:
    """Forget an abandoned pre-screen: answers idle for longer than PATIENT_IDLE_MINUTES are dropped.

    A request that changes nothing else moves the last-seen time only when it is off by a tenth of the idle
    time (at most a minute): a page shown right after its answers were saved, as every page after the first
    is, then leaves the cookie as it was instead of signing and sending it again. Answers may so be forgotten
    that much early, never late; a request that rewrites the cookie anyway stamps the time exactly (stamp)."""
    now = int(time.time())
    idle = int(current_app.config["PATIENT_IDLE_MINUTES"]) * 60
    seen = session.get("seen")
    if seen is not None and now - int(seen) > idle:
        for key in ("consent", "answers", "tokens", "contact"):
            session.pop(key, None)
    if (session.get("consent") or session.get("cases")) and (
            seen is None or abs(now - int(seen)) >= min(60, idle // 10)):
        session["seen"] = now


def stamp(response: Response) -> Response:
    """after_request: a cookie that is being rewritten carries the exact last-seen time."""
    if session.modified and (session.get("consent") or session.get("cases")):
        session["seen"] = int(time.time())
    return response


def has_consent() -> bool:
    return bool(session.get("consent"))


def give_consent() -> None:
    session["consent"] = True
    session["seen"] = int(time.time())


def answers() -> dict[str, Any]:
    """A copy of the answers so far."""
    return dict(session.get("answers") or {})


def save_answers(new: dict[str, Any]) -> None:
    session["answers"] = new


def issue_token() -> str:
    """A fresh idempotency token for the check page's submit button (several tabs may each hold one)."""
    token = secrets.token_urlsafe(16)
    session["tokens"] = [*session.get("tokens", [])[-(KEEP_TOKENS - 1):], token]
    return token


def token_is_ours(token: str) -> bool:
    return bool(token) and token in session.get("tokens", [])


def remember_case(case_id: str) -> None:
    """Let this browser see this case's result (and the last few before it)."""
    cases = [c for c in session.get("cases", []) if c != case_id]
    session["cases"] = [*cases[-(KEEP_CASES - 1):], case_id]


def may_see(case_id: str) -> bool:
    return case_id in session.get("cases", [])


def finish(case_id: str) -> None:
    """The answers are stored: drop them from the cookie, keep the tokens so a late retry finds the case."""
    remember_case(case_id)
    session.pop("answers", None)
    session.pop("consent", None)
    session.pop("contact", None)
