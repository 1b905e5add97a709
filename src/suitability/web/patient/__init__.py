"""The patient blueprint: start, one page per few questions, check your answers, submit, result."""

from __future__ import annotations

from flask import Blueprint

from . import state

bp = Blueprint("patient", __name__)
bp.before_request(state.refresh)
bp.after_request(state.stamp)

from . import contact_views, form_views, submit_views  # noqa: F401 - the views register themselves on `bp`
