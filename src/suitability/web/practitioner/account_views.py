"""Sign in, sign out, and (admins) the list of accounts. Refusals never say which part was wrong."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user  # type: ignore[import-untyped]

from ...services import accounts
from ...services.errors import StorageError, ViewNotAudited
from ..database import get_db
from ..i18n import N_, _
from ..patient.form_views import View
from . import bp
from .auth import admin_required, is_safe_next, safe_next, sign_out, start_session
from .throttle import TOO_MANY, client_key, retry_after, throttle
from .unaudited import not_audited

REFUSED = N_("Sign-in failed. Check your username and password. After several failed attempts an account must "
              "wait before trying again; ask an administrator if you are locked out.")
UNSAFE_NEXT = N_("That sign-in link is not one of ours. Please sign in from this page.")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> View:
    """The sign-in page, and a sign-in: the next page if the service signs the account in, else the refusal."""
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("practitioner.queue"))
        shown = request.args.get("next", "")
        return render_template("practitioner/sign_in.html", next=shown if is_safe_next(shown) else "", error=None)
    target = request.form.get("next", "")
    if not is_safe_next(target):  # before anything else: no password is checked, nobody is signed in
        return render_template("practitioner/sign_in.html", next="", error=_(UNSAFE_NEXT)), 400
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    if not username.strip() or not password:
        return render_template("practitioner/sign_in.html", next=target, username=username,
                               error=_("Enter your username and password.")), 400
    try:
        # Per client address first (password spraying across accounts), before any password is checked.
        outcome = accounts.sign_in(get_db(), client_key(), throttle(), username, password)
    except StorageError:
        abort(503)
    if outcome.wait is not None:
        seconds, words = retry_after(outcome.wait)
        page = make_response(render_template("practitioner/sign_in.html", next=target,
                                             username=username, error=_(TOO_MANY, minutes=words)), 429)
        page.headers["Retry-After"] = str(seconds)
        return page
    if outcome.account is None:
        return render_template("practitioner/sign_in.html", next=target, username=username, error=_(REFUSED)), 401
    start_session(outcome.account)
    return redirect(safe_next(target), code=303)


@bp.post("/sign-out")
def sign_out_view() -> View:
    """End this session (and every other of the account) and say so on the sign-in page."""
    sign_out()
    flash(_("You are signed out."))
    return redirect(url_for("practitioner.sign_in"), code=303)


@bp.get("/users")
@admin_required
def users() -> View:
    """Every account, for admins; nothing is shown unless the view is audited."""
    try:
        shown = accounts.view_accounts(get_db(), current_user.username)
    except ViewNotAudited:
        return not_audited()
    except StorageError:
        abort(503)
    return render_template("practitioner/users.html", users=shown)
