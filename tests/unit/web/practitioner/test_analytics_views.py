"""The rule analytics page, its CSV, and the review items on the rule-set page, driven through the real forms."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.common.review_support import decide, make_user, sign_in, store_case

OVERRIDE = {"action": "approve", "depth-0": "0.5", "depth-1": "0.5", "override_reason": "clinical-judgement",
            "override_note": "Seen the patient"}


def _two_overrides_one_decline(app: Flask, client: FlaskClient) -> None:
    """Three pregnant cases: two approved against the rules, one declined: 2 of 3 decisions are overrides."""
    cases = [store_case(app, "not_suitable", pregnant="yes") for _ in range(3)]
    assert decide(client, cases[0], **OVERRIDE).status_code == 303
    assert decide(client, cases[1], **OVERRIDE).status_code == 303
    assert decide(client, cases[2], action="decline").status_code == 303


def _row(html: str, rule_id: str) -> list[str]:
    row = re.search(rf'<tr id="row-{rule_id}">(.*?)</tr>', html, re.DOTALL)
    assert row is not None
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row.group(1), re.DOTALL)]


def test_the_page_shows_each_rules_figures(app: Flask, signed_in: FlaskClient) -> None:
    _two_overrides_one_decline(app, signed_in)
    html = signed_in.get("/practitioner/analytics").get_data(as_text=True)
    _topic, fired, decided, decisions, overrides, rate, reasons = _row(html, "pregnant")
    assert (fired, decided, decisions, overrides, rate) == ("3", "3", "3", "2", "66.7%")
    assert reasons == "clinical-judgement: 2"
    assert _row(html, "cold-sore-history")[1:6] == ["3", "0", "0", "0", "–"]
    assert 'id="row-cold-sore-active"' not in html           # it fired in no case: listed only on request
    every = signed_in.get("/practitioner/analytics?rules=all").get_data(as_text=True)
    assert _row(every, "cold-sore-active")[1:6] == ["0", "0", "0", "0", "–"]


def test_the_charts_are_accessible_svg_without_script_or_inline_style(app: Flask, signed_in: FlaskClient) -> None:
    _two_overrides_one_decline(app, signed_in)
    response = signed_in.get("/practitioner/analytics")
    html = response.get_data(as_text=True)
    charts = re.findall(r"<svg[^>]*>.*?</svg>", html, re.DOTALL)
    assert len(charts) == 2
    for chart in charts:
        assert 'role="img"' in chart and "<title id=" in chart and "<desc id=" in chart
        assert "<script" not in chart and "style=" not in chart
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_the_table_sorts_by_a_column_both_ways(app: Flask, signed_in: FlaskClient) -> None:
    _two_overrides_one_decline(app, signed_in)
    for direction in ("asc", "desc"):
        html = signed_in.get(f"/practitioner/analytics?sort=decided&dir={direction}").get_data(as_text=True)
        rows = re.findall(r'<tr id="row-([^"]+)">', html)
        decided = [int(_row(html, rule)[2]) for rule in rows]
        assert decided == sorted(decided, reverse=direction == "desc") and max(decided) == 3
        assert 'aria-sort="' + ("ascending" if direction == "asc" else "descending") + '"' in html


def test_a_bad_period_is_refused_without_repeating_it(signed_in: FlaskClient) -> None:
    for query in ("start=2026-05-01&end=2026-04-01", "start=<b>x</b>&end=2026-01-01",
                  "start=2020-01-01&end=2026-01-01"):
        response = signed_in.get(f"/practitioner/analytics?{query}")
        assert response.status_code == 400
        assert "<b>x</b>" not in response.get_data(as_text=True)
    assert signed_in.get("/practitioner/analytics.csv?start=nope&end=").status_code == 400


def test_the_csv_holds_the_same_figures(app: Flask, signed_in: FlaskClient) -> None:
    _two_overrides_one_decline(app, signed_in)
    html = signed_in.get("/practitioner/analytics").get_data(as_text=True)
    link = re.search(r'href="(/practitioner/analytics\.csv\?[^"]+)"', html)
    assert link is not None
    response = signed_in.get(link.group(1).replace("&amp;", "&"))
    assert response.mimetype == "text/csv"
    rows = {row["rule_id"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    pregnant = rows["pregnant"]
    assert (pregnant["fired"], pregnant["practitioner_decisions"], pregnant["overrides"]) == ("3", "3", "2")
    assert pregnant["override_rate_percent"] == "66.7" and pregnant["reason_clinical-judgement"] == "2"


def test_a_rule_past_the_alert_is_a_review_item_for_admins_with_its_cases(app: Flask, client: FlaskClient) -> None:
    app.config["OVERRIDE_ALERT"] = "60%/3"
    make_user(app, "ada", role="admin")
    assert sign_in(client, "ada").status_code == 303
    _two_overrides_one_decline(app, client)
    html = client.get("/practitioner/rulesets").get_data(as_text=True)
    item = re.search(r'<article class="rule" id="review-pregnant">(.*?)</article>', html, re.DOTALL)
    assert item is not None
    assert len(re.findall(r'href="/practitioner/case/', item.group(1))) == 2
    assert 'id="review-cold-sore-history"' not in html


def test_below_the_alert_there_is_no_review_item(app: Flask, client: FlaskClient) -> None:
    app.config["OVERRIDE_ALERT"] = "67%/3"   # 2 of 3 is 66.67 %: just under
    make_user(app, "ada", role="admin")
    assert sign_in(client, "ada").status_code == 303
    _two_overrides_one_decline(app, client)
    html = client.get("/practitioner/rulesets").get_data(as_text=True)
    assert 'id="review-pregnant"' not in html and "no rule passes the threshold" in html
