"""The wizard's pages: translate between HTTP and `answers`; the rules about answers live in answers.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import abort, current_app, redirect, render_template, request, session, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from ...intake import MAX_TREATMENTS
from . import bp, contact_views, state
from .answers import intake_errors, is_asked, read_page, unanswered
from .present import summary
from .questions import AREA_OPTIONS, CONCERN_OPTIONS, PAGE_BY_SLUG, PAGE_OF, PAGES, QUESTIONS, Page

View = str | Response | tuple[str, int]
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what url_for leaves unquoted in an anchor
BLANK_PAGES_KEPT = 4 * len(PAGES)  # blank pages rendered once each: every page, with a few row counts


@bp.get("/")
def start() -> View:
    resume = state.has_consent() and bool(state.answers())
    return render_template("patient/start.html", errors={}, resume=resume, first=PAGES[0])


@bp.post("/start")
def give_consent() -> View:
    if request.form.get("consent") != "yes":
        errors = {"consent": "Tick the box to say you understand and agree, if you want to continue"}
        return render_template("patient/start.html", errors=errors, resume=False, first=PAGES[0]), 400
    state.give_consent()
    return redirect(url_for("patient.page", slug=PAGES[0].slug))


@bp.get("/questions/<slug>")
def page(slug: str) -> View:
    current = _page_or_404(slug)
    if not state.has_consent():
        return redirect(url_for("patient.start"))
    answers = state.answers()
    return _render(current, answers, {}, request.args.get("return") == "check")


@bp.post("/questions/<slug>")
def save_page(slug: str) -> View:
    current = _page_or_404(slug)
    if not state.has_consent():
        return redirect(url_for("patient.start"))
    result = read_page(current, request.form, state.answers(), state.today())
    state.save_answers(result.answers)
    back_to_check = request.form.get("return_to") == "check"
    if request.form.get("action") == "add-row":
        session["rows"] = min(MAX_TREATMENTS, _row_count(result.shown.get("treatments") or []) + 1)
        args: dict[str, Any] = {"return": "check"} if back_to_check else {}
        return redirect(url_for("patient.page", slug=slug, _anchor="add-row", **args))
    if result.errors:
        return _render(current, {**result.answers, **result.shown}, result.errors, back_to_check), 400
    if back_to_check:
        return redirect(url_for("patient.check"))
    following = PAGES.index(current) + 1
    if following < len(PAGES):
        return redirect(url_for("patient.page", slug=PAGES[following].slug))
    return redirect(url_for("patient.check"))


@bp.get("/check")
def check() -> View:
    if not state.has_consent():
        return redirect(url_for("patient.start"))
    if contact_views.missing() and state.answers() and not unanswered(state.answers()):
        return redirect(url_for("patient.contact_page"))  # the clinic's own step, once the questions are done
    answers = state.answers()
    missing = unanswered(answers)
    errors = {q.name: f"Answer this question: {q.text}" for q in missing}
    if not missing:
        errors = intake_errors(answers, state.today())
    change = _change_links()
    links = {name: change(name) for name in errors}
    return render_template("patient/check.html", sections=summary(answers), errors=errors, links=links,
                           token=state.issue_token(), change=change, contact=contact_views.contact())


def _change_links() -> Callable[[str], str]:
    """The "Change" link of each answer: its page, back to the check page after, at its question. A check page
    has one per answer (60 or so); the URL is built once per page and the anchor added as url_for would."""
    pages: dict[str, str] = {}

    def link(name: str) -> str:
        slug = PAGE_OF.get(name, PAGES[-1]).slug
        if slug not in pages:
            args: dict[str, Any] = {"return": "check"}
            pages[slug] = url_for("patient.page", slug=slug, **args)
        return f"{pages[slug]}#{quote(f'q-{name}', safe=ANCHOR_SAFE)}"

    return link


def _page_or_404(slug: str) -> Page:
    current = PAGE_BY_SLUG.get(slug)
    if current is None:
        abort(404)
    return current


def _row_count(rows: list[Any]) -> int:
    return max(3, len(rows) + 1, int(session.get("rows", 0)))


def _render(current: Page, values: dict[str, Any], errors: dict[str, str], back_to_check: bool) -> str:
    for question in current.all_questions():
        if question.default and not values.get(question.name):
            values = {**values, question.name: question.default}
    index = PAGES.index(current)
    previous = url_for("patient.page", slug=PAGES[index - 1].slug) if index else url_for("patient.start")
    rows = min(MAX_TREATMENTS, _row_count(values.get("treatments") or []))
    return render_template(
        "patient/page.html", page=current, errors=errors, step=index + 1, steps=len(PAGES), back=previous,
        question_texts={q.name: q.text for q in current.all_questions()}, back_to_check=back_to_check,
        fields=_fields(current, values, errors, state.today().isoformat(), rows),
    )


def _fields(current: Page, values: dict[str, Any], errors: dict[str, str], today: str, rows: int) -> Markup:
    """The page's controls. A page holding no answer of the patient's (only the defaults) and no error looks the
    same for everyone on a given day: it is rendered once and reused, so the cache never holds an answer."""
    blank = not errors and all(values.get(q.name) == q.default for q in current.all_questions())
    cache: dict[tuple[str, str, int], Markup] = current_app.extensions.setdefault("patient_blank_fields", {})
    key = (current.slug, today, rows)
    if blank and key in cache and not current_app.jinja_env.auto_reload:
        return cache[key]
    html = Markup(render_template(
        "patient/fields.html", page=current, values=values, errors=errors,
        asked={q.name: is_asked(q, values) for q in current.all_questions()}, today=today, areas=AREA_OPTIONS,
        concerns=CONCERN_OPTIONS, rows=rows, max_rows=MAX_TREATMENTS, parent_labels=_parent_labels,
    ))
    if blank:
        if len(cache) >= BLANK_PAGES_KEPT:  # yesterday's pages
            cache.clear()
        cache[key] = html
    return html


def _parent_labels(name: str) -> str:
    """'Yes' or 'Yes, but I have stopped': the answers above that make a follow-up apply."""
    question = QUESTIONS[name]
    parent = QUESTIONS[question.parent] if question.parent else None
    if parent is None:
        return ""
    words = [o.label for o in parent.options if o.value in question.parent_values]
    return " or ".join(f"‘{w}’" for w in words)
