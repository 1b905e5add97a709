"""The pages' side of the language machinery (suitability.wording.language): the `tr` filter, the language
switch links and the language of the page in templates, and decisions reworded with the screener serving now."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from ..decision import Decision
from ..intake import Intake
from ..wording import language
from ..wording.language import (
    LANGUAGES,
    N_,
    _,
    chosen_language,
    ngettext,
    page_language,
    shown_date,
    translated,
    translator,
)
from .database import get_screener

# Query words a language switch keeps, by exact value (a question page opened from the check page returns there);
# nothing else the request sent is written back.
KEPT_ARGS = {"return": "check"}


def localised(decision: Decision, intake: Intake | None = None) -> Decision:
    """The decision's patient texts in this request's language (`wording.language.localised`), from the rule
    sets the current app's screener holds."""
    return language.localised(decision, get_screener(), intake)


def language_link(code: str) -> str:
    """This page again in another language: a plain link (works without JavaScript). The link is relative
    (`?lang=es`), so the page never writes back the address or the query it was sent (an error page must not
    echo them); a page answering a form (POST) whose address cannot be opened links to the start instead."""
    if request.method != "GET":
        try:
            current_app.url_map.bind("").match(request.path, method="GET")
        except HTTPException:
            return f"{url_for('patient.start')}?lang={code}"
    kept = "".join(f"{key}={value}&" for key, value in KEPT_ARGS.items() if request.args.get(key) == value)
    return f"?{kept}lang={code}"


def init_app(app: Flask) -> None:
    """The shared language machinery, then `current_language`, LANGUAGES and the `tr` filter in templates."""
    language.init_app(app)
    app.jinja_env.filters["tr"] = translated

    @app.context_processor
    def _language() -> dict[str, object]:
        return {"current_language": str(get_locale() or "en"), "LANGUAGES": LANGUAGES,
                "language_link": language_link}


__all__ = ["LANGUAGES", "N_", "_", "chosen_language", "init_app", "language_link", "localised", "ngettext", "page_language",
           "shown_date", "translated", "translator"]
