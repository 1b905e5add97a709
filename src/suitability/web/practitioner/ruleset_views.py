"""Admins: the rule set serving, the one on disk awaiting approval, what it changes, and the sign-off itself.

Approvals and revocations are rows of `ruleset_approvals` (append-only, audited); every app server picks them
up at its next reload check (web/rules_approval.py). Views translate; storage.approvals decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user  # type: ignore[import-untyped]
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ...errors import ApprovalRefused, SuitabilityError
from ...rules.catalogue_diff import catalogue_diff
from ...rules.loading import RuleSet, load_rules
from ...screening import configured_profile, installed_screener
from ...services.analytics import Period, cases_behind, rule_analytics
from ...storage import StorageError
from ...storage.approvals import approval_list, approve, approved_versions, revoke
from ...storage.archive import load_archived
from ...storage.errors import ViewNotAudited
from ...storage.view_audit import record_view
from ..database import get_db
from ..errors import render_error
from ..patient.form_views import View
from ..rules_reload import ruleset_state
from . import bp
from .analytics_views import configured_alert, serving_rules
from .auth import admin_required
from .unaudited import not_audited

RULESETS_VIEWED = "rulesets.viewed"


def rules_on_disk() -> tuple[RuleSet | None, str | None]:
    """The rule set on disk under the configured profile, or None and why it does not load."""
    try:
        return load_rules(None, configured_profile()), None
    except SuitabilityError as exc:
        return None, str(exc)


def approved_ruleset(session: Session, approved: list[str]) -> RuleSet | None:
    """The approved rule set to compare against: the one serving if approved, else the newest approved."""
    serving = installed_screener()
    if serving is not None and serving.ruleset.version in approved:
        return serving.ruleset
    for version in approved:
        try:
            return load_archived(session, version, configured_profile())
        except SuitabilityError:
            continue
    return None


@bp.get("/rulesets")
@admin_required
def rulesets() -> View:
    state = ruleset_state()
    disk, disk_error = rules_on_disk()
    try:
        with get_db().session() as session:
            approved = approved_versions(session, int(current_app.config.get("APPROVALS_REQUIRED", 1)))
            rows = approval_list(session)
            base = approved_ruleset(session, approved)
            period = Period.ending(dt.datetime.now(dt.UTC).date())
            items = [(item, cases_behind(session, item.rule_id, period)) for item in
                     rule_analytics(session, period, configured_alert(), serving_rules()).review_items]
            record_view(session, action=RULESETS_VIEWED, actor=current_user.username)
    except ViewNotAudited:
        return not_audited()
    except (StorageError, SQLAlchemyError):
        abort(503)
    pending = disk if disk is not None and disk.version not in approved else None
    changes = catalogue_diff(base, pending) if base is not None and pending is not None else None
    return render_template("practitioner/rulesets.html", state=state, disk=disk, disk_error=disk_error,
                           pending=pending, base=base, changes=changes, approved=approved, rows=rows,
                           required=bool(current_app.config.get("REQUIRE_APPROVED_RULES")), period=period,
                           review_items=items, alert=configured_alert())

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
    return _sign(lambda session: approve(session, version, current_user.username, note, disk), done, version)


@bp.post("/rulesets/revoke")
@admin_required
def revoke_ruleset() -> View:
    version, note = request.form.get("version", "").strip(), request.form.get("note", "")
    return _sign(lambda session: revoke(session, version, current_user.username, note),
                 f"The approval of rule set {version} is revoked from every server's next rules check.", version)


def _sign(change: Callable[[Session], object], done: str, version: str) -> View:
    """Make the change; a refusal says why without quoting the version sent (it may be anything typed)."""
    if not VERSION.fullmatch(version):
        return render_error(400, "Not signed off", "That is not the version of a rule set. Nothing was stored.")
    try:
        with get_db().session() as session:
            change(session)
            session.commit()
    except ApprovalRefused as exc:
        reason = str(exc).replace(f"rule set {version}", "this rule set")
        return render_error(400, "Not signed off", f"{reason}. Nothing was stored.")
    except (StorageError, SQLAlchemyError):
        abort(503)
    flash(done)
    return redirect(url_for("practitioner.rulesets"), code=303)
