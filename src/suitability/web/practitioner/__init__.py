"""The practitioner blueprint (/practitioner): sign-in, the queue of flagged cases, case pages, decisions.

Every route but the sign-in page requires a signed-in, active account; that is checked once for the whole
blueprint (`auth.guard`), so a view added later cannot forget it. Sessions end after PRACTITIONER_IDLE_MINUTES
without a request.
"""

from __future__ import annotations

from flask import Blueprint

from . import auth

bp = Blueprint("practitioner", __name__, url_prefix="/practitioner")
bp.before_request(auth.guard)
init_app = auth.init_app

# the views register themselves on `bp`
from . import (  # noqa: F401
    account_views,
    analytics_views,
    case_views,
    catalogue_views,
    checkin_views,
    queue_views,
    rescreen_views,
    ruleset_views,
)
