"""The wizard's pages: translate between HTTP and `answers`; the rules about answers live in answers.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import abort, current_app, redirect, render_template, request, session, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from ...intake import MAX_TREATMENTS
from ..i18n import _, page_language, translated
from . import bp, contact_views, navigation, state
from .answers import intake_errors, read_page, unanswered
from .grouping import details_page, ticks
from .groups import NONE, NOT_SURE
from .navigation import Screen
from .present import summary
from .questions import AREA_OPTIONS, CONCERN_OPTIONS, PAGE_BY_SLUG, PAGES, QUESTIONS, Page, is_asked

View = str | Response | tuple[str, int]
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what url_for leaves unquoted in an anchor
BLANK_PAGES_KEPT = 4 * len(PAGES)  # blank pages rendered once each: every page, with a few row counts


@bp.get("/")
def start() -> View:
    """The start page, with a link back to the first screen left to answer when there are answers."""
    answers = state.answers()
    resume_at = _url(navigation.resume(answers)) if state.has_consent() and answers else None
    return render_template("patient/start.html", errors={}, resume=resume_at, first=PAGES[0])


@bp.post("/start")
def give_consent() -> View:
    """Consent given: on to the first page; not given: the start page again, with the error."""
    if request.form.get("consent") != "yes":
        errors = {"consent": _("Tick the box to say you understand and agree, if you want to continue")}
        return render_template("patient/start.html", errors=errors, resume=None, first=PAGES[0]), 400
    state.give_consent()
    return redirect(url_for("patient.page", slug=PAGES[0].slug))


@bp.get("/questions/<slug>")
def page(slug: str) -> View:
    """A page's main screen."""
    return _show(Screen(slug))


@bp.get("/questions/<slug>/details")
def details(slug: str) -> View:
    """A page's details screen (or on to the next screen when it has nothing to ask)."""
    return _show(Screen(slug, True))


@bp.post("/questions/<slug>")
def save_page(slug: str) -> View:
    """A page's main screen sent: its answers kept, then its details screen or the next page."""
    return _save(Screen(slug))


@bp.post("/questions/<slug>/details")
def save_details(slug: str) -> View:
    """A details screen sent: its answers kept, then the next page."""
    return _save(Screen(slug, True))


def _screen_page(screen: Screen, answers: dict[str, Any]) -> Page | None:
    """The Page a screen shows for these answers; None for a details screen with nothing to ask."""
    current = PAGE_BY_SLUG.get(screen.slug)
    if current is None:
        abort(404)
    return details_page(current, answers) if screen.details else current


def _show(screen: Screen) -> View:
    answers = state.answers()
    current = _screen_page(screen, answers)
    if not state.has_consent():
        return redirect(url_for("patient.start"))
    if current is None:  # nothing more to ask on this page: on to the next screen
        return redirect(_url(navigation.after(screen, answers)))
    return _render(current, screen, answers, {}, request.args.get("return") == "check")


def _save(screen: Screen) -> View:
    before = state.answers()
    current = _screen_page(screen, before)
    if not state.has_consent():
        return redirect(url_for("patient.start"))
    if current is None:
        return redirect(_url(navigation.after(screen, before)))
    result = read_page(current, request.form, before, state.today())
    state.save_answers(result.answers)
    back_to_check = request.form.get("return_to") == "check"
    if request.form.get("action") == "add-row":
        session["rows"] = min(MAX_TREATMENTS, _row_count(result.shown.get("treatments") or []) + 1)
        args: dict[str, Any] = {"return": "check"} if back_to_check else {}
        return redirect(url_for("patient.page", slug=screen.slug, _anchor="add-row", **args))
    if result.errors:
        return _render(current, screen, {**result.answers, **result.shown}, result.errors, back_to_check), 400
    following = navigation.after(screen, result.answers)
    if following == Screen(screen.slug, True) and _all_posted(current, result.answers):
        following = navigation.after(following, result.answers)
    if back_to_check and following != Screen(screen.slug, True):
        return redirect(url_for("patient.check"))
    if back_to_check:
        return redirect(_url(following) + "?return=check")
    return redirect(_url(following))


def _all_posted(current: Page, answers: dict[str, Any]) -> bool:
    """Whether the main screen's post carried every details answer too (a client posting a page at once)."""
    more = details_page(current, answers)
    return more is not None and all(
        any(key == q.name or key.startswith(q.name + "-") for key in request.form)
        for q in more.screen_questions() if is_asked(q, answers))


def _url(screen: Screen | None) -> str:
    """The address of a screen; None is the check page."""
    if screen is None:
        return url_for("patient.check")
    return url_for("patient.details" if screen.details else "patient.page", slug=screen.slug)


@bp.get("/check")
def check() -> View:
    """Check your answers: every answer with a Change link, what is missing, and the send button."""
    if not state.has_consent():
        return redirect(url_for("patient.start"))
    if contact_views.missing() and state.answers() and not unanswered(state.answers()):
        return redirect(url_for("patient.contact_page"))  # the clinic's own step, once the questions are done
    answers = state.answers()
    missing = unanswered(answers)
    errors = {q.name: _("Answer this question: %(question)s", question=_(q.text)) for q in missing}
    if not missing:
        errors = intake_errors(answers, state.today())
    change = _change_links(answers)
    links = {name: change(name) for name in errors}
    return render_template("patient/check.html", sections=summary(answers), errors=errors, links=links,
                           token=state.issue_token(), change=change, contact=contact_views.contact(),
                           back=_url(navigation.before(None, answers)))


def _change_links(answers: dict[str, Any]) -> Callable[[str], str]:
    """The "Change" link of each answer: its screen, back to the check page after, at its control. A check
    page has one per answer (60 or so); each screen's URL is built once and the anchor added as url_for would."""
    pages: dict[Screen, str] = {}

    def link(name: str) -> str:
        screen, anchor = navigation.holding(name, answers)
        if screen not in pages:
            pages[screen] = _url(screen) + "?return=check"
        return f"{pages[screen]}#{quote(anchor, safe=ANCHOR_SAFE)}"

    return link


def _row_count(rows: list[Any]) -> int:
    return max(3, len(rows) + 1, int(session.get("rows", 0)))


def _render(current: Page, screen: Screen, values: dict[str, Any], errors: dict[str, str],
            back_to_check: bool) -> str:
    for question in current.all_questions():
        if question.default and not values.get(question.name):
            values = {**values, question.name: question.default}
    previous = navigation.before(screen, state.answers())
    back = url_for("patient.check") if back_to_check else (
        _url(previous) if previous else url_for("patient.start"))
    rows = min(MAX_TREATMENTS, _row_count(values.get("treatments") or []))
    texts = {q.name: translated(q.text) for q in current.all_questions()} | {g.key: translated(g.legend) for g in current.groups}
    action = url_for("patient.save_details" if screen.details else "patient.save_page", slug=screen.slug)
    return render_template(
        "patient/page.html", page=current, errors=errors, step=PAGES.index(PAGE_BY_SLUG[screen.slug]) + 1,
        steps=len(PAGES), back=back, question_texts=texts, back_to_check=back_to_check, action=action,
        fields=_fields(current, values, errors, state.today().isoformat(), rows),
    )


def _fields(current: Page, values: dict[str, Any], errors: dict[str, str], today: str, rows: int) -> Markup:
    """The page's controls. A page holding no answer of the patient's (only the defaults) and no error looks the
    same for everyone on a given day: it is rendered once and reused, so the cache never holds an answer. A
    details screen is never reused: which questions it holds depends on the answers."""
    blank = (not errors and not current.details and all(values.get(g.key) is None for g in current.groups)
             and all(values.get(q.name) == q.default for q in current.all_questions()))
    cache: dict[tuple[str, str, int, str], Markup] = current_app.extensions.setdefault("patient_blank_fields", {})
    key = (current.slug, today, rows, page_language())
    if blank and key in cache and not current_app.jinja_env.auto_reload:
        return cache[key]
    html = Markup(render_template(
        "patient/fields.html", page=current, values=values, errors=errors,
        asked={q.name: is_asked(q, values) for q in current.all_questions()}, today=today, areas=AREA_OPTIONS,
        concerns=CONCERN_OPTIONS, rows=rows, max_rows=MAX_TREATMENTS, parent_labels=_parent_labels,
        ticks={g.key: ticks(g, values) for g in current.groups}, NONE=NONE, NOT_SURE=NOT_SURE,
        date_parts=_date_parts,
    ))
    if blank:
        if len(cache) >= BLANK_PAGES_KEPT:  # yesterday's pages
            cache.clear()
        cache[key] = html
    return html


def _date_parts(value: Any) -> dict[str, str]:
    """A three-box date's boxes: as typed when it was refused, else from the ISO date kept."""
    if isinstance(value, dict):
        return {k: str(value.get(k, "")) for k in ("day", "month", "year")}
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:  # text sent to the single field that is not a date: the boxes start empty
            day = None
        if day is not None:
            return {"day": str(day.day), "month": str(day.month), "year": f"{day.year:04d}"}
    return {"day": "", "month": "", "year": ""}


def _parent_labels(name: str) -> str:
    """'Yes' or 'Yes, but I have stopped': the answers above that make a follow-up apply."""
    question = QUESTIONS[name]
    parent = QUESTIONS[question.parent] if question.parent else None
    if parent is None:
        return ""
    words = [f"‘{_(o.label)}’" for o in parent.options if o.value in question.parent_values]
    return _(" or ").join(words)
