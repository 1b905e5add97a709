"""The rule catalogue in the practitioner area: every rule of the loaded rule set, its text and its sources."""

from __future__ import annotations

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
