"""The language of a page: the patient's choice (`?lang=`, kept in the session), else the browser's
Accept-Language, else the clinic's SUITABILITY_DEFAULT_LANGUAGE; Flask-Babel translates with it."""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session
from flask_babel import Babel, get_locale

from .assets import web_dir

LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}  # code -> the language's name in itself
SESSION_KEY = "lang"


def chosen_language() -> str:
    """The language this request is answered in (a code of LANGUAGES)."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        session[SESSION_KEY] = asked
        return asked
    kept = session.get(SESSION_KEY)
    if kept in LANGUAGES:
        return str(kept)
    default = str(current_app.config.get("DEFAULT_LANGUAGE") or "en")
    return request.accept_languages.best_match(list(LANGUAGES), default=default) or default


def init_app(app: Flask) -> None:
    """Flask-Babel with the catalogues under web/translations; `current_language` and LANGUAGES in templates."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(web_dir() / "translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=chosen_language)

    @app.context_processor
    def _language() -> dict[str, object]:
        return {"current_language": str(get_locale() or "en"), "LANGUAGES": LANGUAGES}

    @app.after_request
    def _content_language(response: Response) -> Response:
        response.headers.setdefault("Content-Language", str(get_locale() or "en"))
        return response


__all__ = ["LANGUAGES", "chosen_language", "init_app"]
