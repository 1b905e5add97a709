"""The rule catalogue for staff: one rule per row, opened with <details>, narrowed by a GET form (words, topic,
outcome, source tier), so searching and filtering work without JavaScript and every result has its own URL."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request
from flask_babel import gettext as _

from ...errors import SuitabilityError
from ...rules.catalogue import OUTCOME_MEANING, TIER_NAMES, Entry, topics
from ..database import get_screener
from ..patient.form_views import View
from . import bp

MAX_QUERY = 100


@dataclass(frozen=True)
class Filters:
    """What the catalogue is narrowed by; an empty string does not narrow."""

    query: str = ""
    topic: str = ""
    outcome: str = ""
    tier: str = ""

    @property
    def active(self) -> bool:
        """True when any filter narrows the catalogue."""
        return any((self.query, self.topic, self.outcome, self.tier))


def _text(entry: Entry) -> str:
    """Everything a search may match in one rule, lower case."""
    parts = [entry.rule.id, entry.rule.title, entry.rule.file, *(text for _, text in entry.lines)]
    parts += [f"{key} {title}" for key, _, title, _ in entry.sources]
    return " ".join(parts).lower()


def matches(entry: Entry, topic: str, filters: Filters) -> bool:
    """True when the rule passes every filter; the words must all appear, in any order."""
    if filters.topic and topic != filters.topic:
        return False
    if filters.outcome and (entry.rule.outcome is None or entry.rule.outcome.value != filters.outcome):
        return False
    if filters.tier and not any(tier == filters.tier for _, tier, _, _ in entry.sources):
        return False
    text = _text(entry)
    return all(word in text for word in filters.query.lower().split())


def _filters(topic_anchors: set[str]) -> Filters:
    """The filters asked for; a value that is not one of the choices is ignored, never repeated back."""
    def choice(name: str, allowed: set[str]) -> str:
        value = request.args.get(name, "")
        return value if value in allowed else ""

    return Filters(query=" ".join(request.args.get("q", "")[:MAX_QUERY].split()),
                   topic=choice("topic", topic_anchors), outcome=choice("outcome", set(OUTCOME_MEANING)),
                   tier=choice("tier", set(TIER_NAMES)))


@bp.get("/rules")
def catalogue() -> View:
    """Every rule of the serving rule set, one per row, narrowed by the filters asked for."""
    try:
        ruleset = get_screener().ruleset
    except SuitabilityError:
        abort(503)
    sections = topics(ruleset)
    filters = _filters({anchor for anchor, _, _ in sections})
    shown = [(anchor, heading, [e for e in entries if matches(e, anchor, filters)])
             for anchor, heading, entries in sections]
    shown = [(anchor, heading, entries) for anchor, heading, entries in shown if entries]
    count = sum(len(entries) for _, _, entries in shown)
    return render_template("practitioner/catalogue.html", ruleset=ruleset, topics=sections, shown=shown,
                           count=count, filters=filters, tiers=TIER_NAMES, outcomes=OUTCOME_MEANING,
                           disputed=sum(1 for r in ruleset.rules if r.less_strict),
                           outcome_label=lambda value: _(OUTCOME_MEANING[value].split(":", 1)[0].capitalize()))
