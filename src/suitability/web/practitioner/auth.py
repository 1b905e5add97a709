"""Who is signed in: Flask-Login over the `users` table, an idle limit, and the guard on every route."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user  # type: ignore[import-untyped]
from werkzeug.wrappers import Response

from ...services import accounts
from ...services.accounts import Account, Role
from ...services.errors import StorageError
from ..config import DEFAULTS
from ..database import get_db
from ..i18n import N_, _
from ..numbers import whole_number
from . import throttle

login_manager = LoginManager()
SEEN = "practitioner_seen"      # the signed session's time of the last practitioner request
SINCE = "practitioner_since"    # when this session signed in (the absolute lifetime counts from it)
GENERATION = "practitioner_gen" # the account's session generation at sign-in (users.session_generation)
PUBLIC = {"practitioner.sign_in"}
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Practitioner:
    """The signed-in account as the views see it (Flask-Login's user protocol), loaded fresh per request."""

    id: int
    username: str
    display_name: str
    role: Role
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @classmethod
    def of(cls, account: Account) -> Practitioner:
        """The signed-in view of an account."""
        return cls(account.id, account.username, account.display_name, account.role)


def init_app(app: Flask) -> None:
    """Sign-in for the practitioner area; the patient pages never look at it."""
    for name in ("PRACTITIONER_IDLE_MINUTES", "PRACTITIONER_MAX_HOURS", "PRACTITIONER_RECENT_VIEW_MINUTES"):
        app.config.setdefault(name, DEFAULTS[name])
    throttle.init_app(app)
    login_manager.login_view = "practitioner.sign_in"
    login_manager.login_message = N_("Please sign in to see that page.")
    # Templates get Flask-Login's lazy `current_user` proxy instead of its context processor, which loads the
    # user (and marks the session) for every page rendered, the patients' pages included.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})


@login_manager.user_loader  # type: ignore[untyped-decorator]
def _load(user_id: str) -> Practitioner | None:
    """The account behind the session, read from the database on each request: disabling, signing out and a
    new password end every copy of the session cookie at once (its generation is no longer the account's)."""
    number = whole_number(user_id, 18)
    if number is None:
        return None
    try:
        account = accounts.signed_in_account(get_db(), number, session.get(GENERATION))
    except StorageError:
        abort(503)
    return None if account is None else Practitioner.of(account)


def guard() -> Response | None:
    """Before every practitioner request: end idle sessions, then send anyone not signed in to sign in."""
    if request.endpoint in PUBLIC:
        return None
    now = int(time.time())
    idle = int(current_app.config["PRACTITIONER_IDLE_MINUTES"]) * 60
    longest = int(current_app.config["PRACTITIONER_MAX_HOURS"]) * 3600
    if current_user.is_authenticated and now - int(session.get(SEEN, 0)) > idle:
        sign_out(expired=True)
        flash(_("You were signed out because the page was left for a while. Please sign in again."))
        return redirect(url_for("practitioner.sign_in"))
    if current_user.is_authenticated and now - int(session.get(SINCE, 0)) > longest:
        sign_out(expired=True)
        flash(_("You were signed out because you signed in a long time ago. Please sign in again."))
        return redirect(url_for("practitioner.sign_in"))
    if not current_user.is_authenticated:
        flash(_(login_manager.login_message))
        return redirect(url_for("practitioner.sign_in", next=request.path if request.method == "GET" else None))
    session[SEEN] = now
    return None


def start_session(account: Account) -> None:
    """After a good password: a fresh session (nothing carried over from before) for this account."""
    from flask_login import login_user

    session.clear()
    login_user(Practitioner.of(account))
    session[SEEN] = session[SINCE] = int(time.time())
    session[GENERATION] = account.session_generation


def sign_out(*, expired: bool = False) -> None:
    """End the session and record it (an expired session is recorded as a sign-out too)."""
    signed_in = (int(current_user.id), current_user.username) if current_user.is_authenticated else None
    logout_user()
    session.clear()
    if signed_in:
        try:
            accounts.record_sign_out(get_db(), *signed_in, expired=expired)
        except StorageError:
            pass  # this cookie's session is over either way; the failure is logged by storage


def admin_required(view: F) -> F:
    """Admins only (practitioners get a 403 page)."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not (current_user.is_authenticated and current_user.is_admin):
            abort(403)
        return view(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


# A path inside the practitioner area in plain URL characters: no scheme or host, no control characters (a CR or
# LF would end the Location header), no '//' or '\\' that a browser reads as another site.
_NEXT = re.compile(r"/practitioner/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,500}")


def is_safe_next(target: str) -> bool:
    """Whether `target` may be where a sign-in leads: empty (the queue), or a plain practitioner path."""
    return not target or (_NEXT.fullmatch(target) is not None and "//" not in target)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path inside the practitioner area, never another site."""
    if target and is_safe_next(target):
        return target
    return url_for("practitioner.queue")
