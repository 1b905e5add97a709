"""One table from failure to page: a patient sees a friendly page with the right status, never a trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError  # type: ignore[import-untyped]
from werkzeug.exceptions import HTTPException, InternalServerError

from ..errors import SuitabilityError, where_it_failed
from .i18n import N_

log = logging.getLogger(__name__)

# status -> (title, message); anything unlisted gets the 500 words with its own status.
PAGES = {
    400: (N_("Something was wrong with that request"), N_("Please go back and try again.")),
    403: (N_("You cannot open this page"), N_("Please go back to the start.")),
    404: (N_("Page not found"), N_("If you typed the web address, check it is correct. Result pages can only be "
                                   "opened in the browser that sent the answers.")),
    405: (N_("Page not found"), N_("Please start again from the first page.")),
    413: (N_("That was too much to send"), N_("Please go back and try again.")),
    500: (N_("Sorry, there is a problem with the service"),
          N_("Please try again later. Your answers on this page were not sent.")),
    503: (N_("Sorry, the service is unavailable"), N_("Please try again in a few minutes.")),
}
EXPIRED = (N_("This page has expired"), N_("For your security, pages expire after a while. Please go back, reload "
                                           "the page and try again. Answers you already saved are kept."))


def render_error(status: int, title: str | None = None, message: str | None = None) -> tuple[str, int]:
    """The error page for `status`: staff get theirs inside the practitioner area, patients the friendly one."""
    if status == 403 and request.blueprint == "practitioner":
        # Staff are told which role the page needs, with their own navigation, not the patients' words.
        return render_template("practitioner/forbidden.html", role="admin"), 403
    default_title, default_message = PAGES.get(status, PAGES[500])
    return render_template("errors/error.html", status=status, title=title or default_title,
                           message=message or default_message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _expired(error: CSRFError) -> tuple[str, int]:
        return render_error(400, *EXPIRED)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        return render_error(error.code or 500)

    @app.errorhandler(SuitabilityError)
    def _ours(error: SuitabilityError) -> tuple[str, int]:
        log.error("unhandled %s", type(error).__name__)  # the class only: messages may quote data
        return render_error(503)

    @app.errorhandler(InternalServerError)
    def _bug(error: InternalServerError) -> tuple[str, int]:
        return render_error(500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        log.error("unexpected error: %s", where_it_failed(error))  # never the message: it may quote input
        return render_error(500)
