"""Which rules serve: the app's rules watcher (reload on change, or only approved versions with
REQUIRE_APPROVED_RULES), checked before each request; the patients' form says "not now" while none can load."""

from __future__ import annotations

import logging

from flask import Flask, request

from ..services.archived_rules import approved_now, approved_ruleset, archived_screener
from .database import get_db, serving_rules
from .errors import render_error
from .rules_approval import start
from .rules_reload import DEFAULT_CHECK_SECONDS, KEY, UNAVAILABLE_PAGE, RulesWatcher

log = logging.getLogger(__name__)


def init_app(app: Flask) -> RulesWatcher:
    """Check the rules before requests; patients' form pages say "not now" while no rule set can load.

    The watcher acts on this app's serving rules only (database.init_app registered them)."""
    app.config.setdefault("RULES_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)
    interval, rules = float(app.config["RULES_CHECK_SECONDS"]), serving_rules(app)
    found = RulesWatcher(interval, fallback=lambda: archived_screener(get_db()), rules=rules)
    if app.config.get("REQUIRE_APPROVED_RULES"):  # only approved versions serve (rules_approval)
        required = int(app.config["APPROVALS_REQUIRED"])
        found = start(interval, lambda: approved_now(get_db(), required), lambda v: approved_ruleset(get_db(), v),
                      rules)
        app.extensions[KEY] = found
        with app.app_context():  # the first check now: the app starts serving the approved version, or none
            found.maybe_check()
    app.extensions[KEY] = found

    @app.before_request
    def _check_rules() -> tuple[str, int] | None:
        try:
            found.maybe_check()
        except Exception:  # checking the rules must never take a request down
            log.exception("checking the rules folder failed")
        if request.method == "GET" and request.blueprint == "patient" and request.endpoint != "patient.result" \
                and found.serving() is None:
            return render_error(503, *UNAVAILABLE_PAGE)
        return None

    return found
