"""The language of a request: the patient's choice (`?lang=`, kept in the session), else the browser's
Accept-Language, else the clinic's SUITABILITY_DEFAULT_LANGUAGE; Flask-Babel translates with it for every
HTTP door (pages, the JSON API, FHIR) from the one catalogue under web/translations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from flask import Flask, Response, current_app, request, session
from flask_babel import Babel, force_locale, get_locale
from flask_babel import gettext as _gettext
from flask_babel import ngettext as _ngettext

from ..deciding.localise import format_day, language_of, localise
from ..decision import Decision
from ..intake import Intake
from ..screening import Screener

LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}  # code -> the language's name in itself
SESSION_KEY = "lang"


def _(text: str, **variables: object) -> str:
    """`text` in this request's language; %(name)s placeholders filled from `variables` (flask_babel.gettext)."""
    return str(_gettext(text, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """The singular or plural form for `num` in this request's language (flask_babel.ngettext)."""
    return str(_ngettext(singular, plural, num, **variables))


def page_language() -> str:
    """This request's language code."""
    return str(get_locale() or "en")


def localised(decision: Decision, screener: Screener, intake: Intake | None = None) -> Decision:
    """The decision's patient texts in this request's language, from the rule set that made it (else the one
    `screener` serves now: a text it does not have stays as decided). `intake` rewords what is asked again on
    the day."""
    ruleset = screener.ruleset_for(decision.ruleset_version) or screener.ruleset
    return localise(decision, ruleset, language_of(page_language(), ruleset), intake)


def translator(code: str) -> Callable[[str], str]:
    """A function giving a text's translation into `code` from the catalogue, whatever this request's language."""
    def translate(text: str) -> str:
        with force_locale(code):
            return str(_gettext(text))
    return translate


def N_(text: str) -> str:
    """Mark a text for the catalogue (pybabel extract -k N_) where it is defined; it is translated where it is
    shown, with `gettext` or the templates' `tr` filter, in the language of that request."""
    return text


def translated(text: object) -> str:
    """A text held in code or data (a question, an answer's label, an error) in this request's language: the
    templates' `tr` filter. Plain gettext, so a '%' in the text is never read as a placeholder."""
    return str(_gettext(str(text))) if text else ""


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


def shown_date(day: dt.date) -> str:
    """A date on a page, in this request's language (English: '12 Nov 2026'; Spanish: '12 de noviembre de 2026')."""
    return format_day(day, page_language())


def catalogue_dir() -> Path:
    """The catalogues' folder, web/translations: in the wheel (`suitability/_data/web`), else the source tree."""
    shipped = resources.files("suitability") / "_data" / "web"
    if shipped.is_dir():
        return Path(str(shipped)) / "translations"
    return Path(__file__).resolve().parents[3] / "web" / "translations"


def init_app(app: Flask) -> None:
    """Flask-Babel with the catalogues under web/translations, choosing each request's language; every response
    says its language in Content-Language."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(catalogue_dir()))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=chosen_language)

    @app.after_request
    def _content_language(response: Response) -> Response:
        response.headers.setdefault("Content-Language", str(get_locale() or "en"))
        return response


__all__ = ["LANGUAGES", "N_", "_", "catalogue_dir", "chosen_language", "init_app", "localised", "ngettext",
           "page_language", "shown_date", "translated", "translator"]
