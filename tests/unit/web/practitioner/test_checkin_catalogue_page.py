"""The practitioner area's rule catalogue and the one `suitability rules docs` writes are the same catalogue:
both come from `catalogue.topics`, and this checks that they say the same, rule by rule (issue 7)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.common.checkin_support import make_app, signed_in_client

from suitability.cli import main
from suitability.screening import default_screener
from suitability.web.database import get_db

# A rule runs from its id to the next rule or the end of its topic: an <article> in the written page, a row
# (<li> holding <details>) on the served one.
ARTICLE = re.compile(r'\bid="rule-([^"]+)"[^>]*>(.*?)(?=\bid="rule-|</section>)', re.DOTALL)
LINE = re.compile(r"<dt>([^<]*)</dt>\s*<dd>([^<]*)</dd>")
SOURCE = re.compile(r'<li>\s*(?:<(?:span|abbr)[^>]*>)?([A-Z])(?:</(?:span|abbr)>)?\s*<code>([^<]*)</code>'
                    r'(?::\s*(?:<a [^>]*>)?([^<]*?))?\s*(?:</a>|\(<code>|</li>)')
SECTION = re.compile(r'<section id="([^"]+)"[^>]*>\s*<h[23][^>]*>([^<]*)</h[23]>')


def rules_of(page: str) -> dict[str, tuple[list[tuple[str, str]], list[tuple[str, str, str]]]]:
    """Rule id -> its (label, text) lines and its (tier, key, title) sources, unescaped."""
    out = {}
    for rule_id, body in ARTICLE.findall(page):
        lines = [(html.unescape(a), html.unescape(b)) for a, b in LINE.findall(body)]
        sources = [(t, html.unescape(k), html.unescape(title or "").strip()) for t, k, title in SOURCE.findall(body)]
        out[html.unescape(rule_id)] = (lines, sources)
    return out


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path)
    yield application
    with application.app_context():
        get_db().dispose()


def test_the_practitioner_catalogue_says_what_rules_docs_writes(app: Flask, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "catalogue"
    assert main(["rules", "docs", "--out", str(out)]) == 0
    capsys.readouterr()
    written = (out / "rules.html").read_text(encoding="utf-8")
    markdown = (out / "rules.md").read_text(encoding="utf-8")
    served = signed_in_client(app).get("/practitioner/rules").get_data(as_text=True)
    ruleset = default_screener().ruleset
    assert ruleset.version in written and ruleset.version in served and ruleset.version in markdown

    written_rules, served_rules = rules_of(written), rules_of(served)
    assert list(written_rules) == list(served_rules) == [r.id for _, _, es in _topics() for r in es]
    assert len(served_rules) == len(ruleset.rules)
    for rule_id, (lines, sources) in written_rules.items():
        assert served_rules[rule_id] == (lines, sources), rule_id
        assert lines and sources, rule_id  # the comparison is not of empty lists
        assert f"Rule `{rule_id}`" in markdown
    disputed = [r for r in ruleset.rules if r.less_strict]
    assert disputed and all(any(label.startswith("Less strict") for label, _ in served_rules[r.id][0])
                            for r in disputed)
    assert SECTION.findall(written) == SECTION.findall(served)


def _topics() -> list[tuple[str, str, list[object]]]:
    from suitability.rules.catalogue import topics

    return [(anchor, heading, [e.rule for e in entries]) for anchor, heading, entries in
            topics(default_screener().ruleset)]
