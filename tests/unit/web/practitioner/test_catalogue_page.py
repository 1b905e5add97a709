"""The rule catalogue in the practitioner area: every rule of the loaded rule set, its text and its sources."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from markupsafe import escape

from suitability.screening import default_screener


def test_the_catalogue_shows_every_rule_its_rationale_sources_and_less_strict_reading(
        signed_in: FlaskClient) -> None:
    ruleset = default_screener().ruleset
    response = signed_in.get("/practitioner/rules")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ruleset.version in html
    for rule in ruleset.rules:
        assert f'id="rule-{rule.id}"' in html
        assert str(escape(rule.rationale)) in html
        for key in rule.sources:
            assert f"<code>{escape(key)}</code>" in html
    assert "Less strict" in html or not any(r.less_strict for r in ruleset.rules)


def test_the_catalogue_is_linked_from_every_practitioner_page(signed_in: FlaskClient) -> None:
    for path in ("/practitioner/", "/practitioner/export", "/practitioner/rules"):
        assert 'href="/practitioner/rules"' in signed_in.get(path).get_data(as_text=True)


def _shown(signed_in: FlaskClient, query: str) -> list[str]:
    html = signed_in.get(f"/practitioner/rules?{query}").get_data(as_text=True)
    return re.findall(r'<li id="rule-([^"]+)">\s*<details>', html)


def test_each_rule_is_one_row_that_opens(signed_in: FlaskClient) -> None:
    ruleset = default_screener().ruleset
    assert sorted(_shown(signed_in, "")) == sorted(rule.id for rule in ruleset.rules)


def test_words_find_the_rules_that_hold_them_all(signed_in: FlaskClient) -> None:
    ruleset = default_screener().ruleset
    found = _shown(signed_in, "q=pregnant")
    assert "pregnant" in found and len(found) < len(ruleset.rules)
    assert _shown(signed_in, "q=pregnant+zzzzqqq") == []
    assert "pregnant" in _shown(signed_in, "q=PREGNANT")


def test_each_filter_keeps_only_matching_rules(signed_in: FlaskClient) -> None:
    ruleset = default_screener().ruleset
    rules = {rule.id: rule for rule in ruleset.rules}
    for outcome in {r.outcome.value for r in ruleset.rules if r.outcome}:
        found = _shown(signed_in, f"outcome={outcome}")
        assert found and all(rules[i].outcome is not None and rules[i].outcome.value == outcome for i in found)
        assert len(found) == sum(1 for r in ruleset.rules if r.outcome and r.outcome.value == outcome)
    for tier in {ruleset.sources[k].tier for r in ruleset.rules for k in r.sources if k in ruleset.sources}:
        found = _shown(signed_in, f"tier={tier}")
        assert found and all(any(ruleset.sources[k].tier == tier for k in rules[i].sources if k in ruleset.sources)
                             for i in found)
    some = ruleset.rules[0]
    anchor = "topic-" + re.sub(r"[^a-z0-9-]+", "-", some.file.rsplit(".", 1)[0].lower())
    found = _shown(signed_in, f"topic={anchor}")
    assert set(found) == {r.id for r in ruleset.rules if r.file == some.file}


def test_unknown_filter_values_are_ignored_and_never_repeated(signed_in: FlaskClient) -> None:
    ruleset = default_screener().ruleset
    html = signed_in.get("/practitioner/rules?topic=<script>&tier=Z&outcome=maybe").get_data(as_text=True)
    assert "<script>" not in html and "maybe" not in html
    assert len(re.findall(r'<li id="rule-', html)) == len(ruleset.rules)
    html = signed_in.get("/practitioner/rules?q=%3Cb%3Ebold").get_data(as_text=True)
    assert "<b>bold" not in html and "&lt;b&gt;bold" in html


def test_source_links_are_named_by_their_title(signed_in: FlaskClient) -> None:
    ruleset = default_screener().ruleset
    html = signed_in.get("/practitioner/rules").get_data(as_text=True)
    links = re.findall(r'<a href="https://[^"]*" rel="noreferrer">([^<]*)</a>', html)
    assert links and "link" not in links
    titles = {str(escape(source.title)) for source in ruleset.sources.values()} | set(ruleset.sources)
    assert set(links) <= titles
