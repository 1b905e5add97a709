"""Admins: the rule set serving, the one on disk awaiting approval, what it changes, and the sign-off itself.

Approvals and revocations are rows of `ruleset_approvals` (append-only, audited); every app server picks them
up at its next reload check (web/rules_approval.py). Views translate; services.approval (over
storage.approvals) decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user  # type: ignore[import-untyped]
from sqlalchemy.exc import SQLAlchemyError

from ...errors import ApprovalRefused, SuitabilityError
from ...rules.catalogue_diff import catalogue_diff
from ...rules.loading import RuleSet, load_rules
from ...screening import configured_profile
from ...services import approval
from ...services.analytics import Period
from ...services.approval import RULESETS_VIEWED, ruleset_overview
from ...services.errors import StorageError, ViewNotAudited
from ..database import get_db
from ..errors import render_error
from ..patient.form_views import View
from ..rules_reload import ruleset_state
from . import bp
from .analytics_views import configured_alert, serving_rules
from .auth import admin_required
from .unaudited import not_audited

__all__ = ["RULESETS_VIEWED"]  # the audit action of a view of the page (the service records it)


def rules_on_disk() -> tuple[RuleSet | None, str | None]:
    """The rule set on disk under the configured profile, or None and why it does not load."""
    try:
        return load_rules(None, configured_profile()), None
    except SuitabilityError as exc:
        return None, str(exc)


@bp.get("/rulesets")
@admin_required
def rulesets() -> View:
    state = ruleset_state()
    disk, disk_error = rules_on_disk()
    period = Period.ending(dt.datetime.now(dt.UTC).date())
    try:
        overview = ruleset_overview(get_db(), int(current_app.config.get("APPROVALS_REQUIRED", 1)), serving_rules(),
                                    configured_profile(), period, configured_alert(), current_user.username)
    except ViewNotAudited:
        return not_audited()
    except StorageError:
        abort(503)
    approved = overview.approved
    pending = disk if disk is not None and disk.version not in approved else None
    base = overview.base
    changes = catalogue_diff(base, pending) if base is not None and pending is not None else None
    return render_template("practitioner/rulesets.html", state=state, disk=disk, disk_error=disk_error,
                           pending=pending, base=base, changes=changes, approved=approved, rows=overview.history,
                           required=bool(current_app.config.get("REQUIRE_APPROVED_RULES")), period=period,
                           review_items=overview.review_items, alert=configured_alert())

VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+-]{0,79}")  # the shape of a rule-set version


@bp.post("/rulesets/approve")
@admin_required
def approve_ruleset() -> View:
    version, note = request.form.get("version", "").strip(), request.form.get("note", "")
    disk, _ = rules_on_disk()
    required = int(current_app.config.get("APPROVALS_REQUIRED", 1))
    done = (f"Rule set {version} is approved; every server serves it from its next rules check." if required <= 1
            else f"Your approval of rule set {version} is recorded; it serves once {required} different admins "
                 "have approved it.")
    return _sign(lambda: approval.approve_ruleset(get_db(), version, current_user.username, note, disk), done, version)


@bp.post("/rulesets/revoke")
@admin_required
def revoke_ruleset() -> View:
    version, note = request.form.get("version", "").strip(), request.form.get("note", "")
    return _sign(lambda: approval.revoke_approval(get_db(), version, current_user.username, note),
                 f"The approval of rule set {version} is revoked from every server's next rules check.", version)


def _sign(change: Callable[[], object], done: str, version: str) -> View:
    """Make the change; a refusal says why without quoting the version sent (it may be anything typed)."""
    if not VERSION.fullmatch(version):
        return render_error(400, "Not signed off", "That is not the version of a rule set. Nothing was stored.")
    try:
        change()
    except ApprovalRefused as exc:
        reason = str(exc).replace(f"rule set {version}", "this rule set")
        return render_error(400, "Not signed off", f"{reason}. Nothing was stored.")
    except (StorageError, SQLAlchemyError):
        abort(503)
    flash(done)
    return redirect(url_for("practitioner.rulesets"), code=303)
