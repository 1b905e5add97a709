"""Sign in, sign out, and (admins) the list of accounts. Refusals never say which part was wrong."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user  # type: ignore[import-untyped]
from sqlalchemy.exc import SQLAlchemyError

from ...storage import StorageError
from ...storage.accounts import list_users
from ...storage.accounts import sign_in as check_sign_in
from ...storage.errors import ViewNotAudited
from ...storage.sign_in_throttle import admit, forgive
from ...storage.view_audit import USERS_VIEWED, record_view
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
    client, limits = client_key(), throttle()
    try:
        with get_db().session() as session:
            # Per client address first (password spraying across accounts), before any password is checked.
            admission = admit(session, client, limits)
            if admission.attempt_id is None:
                seconds, words = retry_after(admission.wait)
                page = make_response(render_template("practitioner/sign_in.html", next=target,
                                                     username=username, error=TOO_MANY.format(minutes=words)), 429)
                page.headers["Retry-After"] = str(seconds)
                return page
            result = check_sign_in(session, username, password)
            user = result.user
            if user is not None:
                start_session(user)
                forgive(session, admission.attempt_id)
    except (StorageError, SQLAlchemyError):
        abort(503)
    if user is None:
        return render_template("practitioner/sign_in.html", next=target, username=username, error=_(REFUSED)), 401
    return redirect(safe_next(target), code=303)


@bp.post("/sign-out")
def sign_out_view() -> View:
    sign_out()
    flash(_("You are signed out."))
    return redirect(url_for("practitioner.sign_in"), code=303)


@bp.get("/users")
@admin_required
def users() -> View:
    try:
        with get_db().session() as session:
            accounts = list_users(session)
            record_view(session, action=USERS_VIEWED, actor=current_user.username)
    except ViewNotAudited:
        return not_audited()
    except StorageError:
        abort(503)
    return render_template("practitioner/users.html", users=accounts)
