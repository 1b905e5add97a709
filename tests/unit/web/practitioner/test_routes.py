"""Every practitioner route, walked from the app's URL map: refused or sent to sign-in for an anonymous visitor
and for a patient's browser session; only the sign-in page itself is open. New routes are walked too."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter, Rule

from tests.common.review_support import make_user, patient_submits, store_case

from suitability.storage import AuditEvent, Case
from suitability.storage.review_models import Review
from suitability.web.database import get_db

OPEN = {"practitioner.sign_in"}
ADMIN_ONLY = {"practitioner.users", "practitioner.rulesets"}  # a practitioner gets 403 here
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def practitioner_rules(app: Flask) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("practitioner.")]
    assert len(rules) >= 8  # sign-in, sign-out, queue, case, decide, export, rules, users at least
    return rules


def url(rule: Rule, case_id: str) -> str:
    """The rule's path with every argument filled: the real case id for case_id, else a plausible value."""
    values: dict[str, Any] = {}
    for name in rule.arguments:
        converter = rule._converters[name]  # private, but the only way to see an argument's type
        values[name] = case_id if name == "case_id" else 1 if isinstance(converter, IntegerConverter) else "x"
    built = rule.build(values, append_unknown=False)
    assert built is not None
    return built[1]


def walk(client: FlaskClient, app: Flask, case_id: str) -> list[tuple[str, str, int, str]]:
    """(method, url, status, location) of every practitioner route and method but the sign-in page."""
    seen = []
    for rule in practitioner_rules(app):
        if rule.endpoint in OPEN:
            continue
        path = url(rule, case_id)
        for method in METHODS:
            response = client.open(path, method=method, data={"version": "0", "action": "decline",
                                                              "note": "walk", "start": "2020-01-01"})
            seen.append((method, path, response.status_code, response.location or ""))
    return seen


def refused(status: int, location: str) -> bool:
    """Sent to sign in, or refused outright (405 for a method the route does not have)."""
    return (status in (302, 303) and location.startswith("/practitioner/sign-in")) or status in (401, 403, 405)


def nothing_changed(app: Flask, cases: int) -> None:
    with app.app_context(), get_db().session() as session:
        assert session.scalar(select(func.count()).select_from(Review)) == 0
        assert session.scalar(select(func.count()).select_from(Case)) == cases
        actions = set(session.scalars(select(AuditEvent.action)))
    assert actions <= {"case.submitted", "user.added"}


def test_every_practitioner_route_refuses_an_anonymous_visitor(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    case = store_case(app, "not_suitable")
    results = walk(client, app, case.id)
    assert results and all(refused(s, loc) for _, _, s, loc in results), [r for r in results
                                                                           if not refused(r[2], r[3])]
    assert any(m == "POST" and "/decide" in p for m, p, _, _ in results)
    nothing_changed(app, 1)


def test_every_practitioner_route_refuses_a_patients_browser(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    own_case = patient_submits(client, pregnant="yes")
    assert client.get(f"/result/{own_case}").status_code == 200  # the patient session is real
    results = walk(client, app, own_case)
    assert all(refused(s, loc) for _, _, s, loc in results), [r for r in results if not refused(r[2], r[3])]
    nothing_changed(app, 1)


def test_the_sign_in_page_is_the_only_open_one_and_signs_no_one_in_by_itself(
        app: Flask, client: FlaskClient) -> None:
    assert client.get("/practitioner/sign-in").status_code == 200
    assert client.post("/practitioner/sign-in", data={}).status_code == 400
    assert client.get("/practitioner/").status_code == 302


def test_a_signed_in_practitioner_reaches_every_get_route(app: Flask, signed_in: FlaskClient) -> None:
    """The walk is not vacuous: the same routes answer a practitioner (admin pages: 403 for a non-admin)."""
    case = store_case(app, "review")
    for rule in practitioner_rules(app):
        if "GET" in rule.methods and rule.endpoint not in OPEN:  # type: ignore[operator]
            status = signed_in.get(url(rule, case.id)).status_code
            assert status in (200, 403) if rule.endpoint in ADMIN_ONLY else status == 200, rule


def test_no_practitioner_view_is_served_outside_the_guarded_prefix(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        module = getattr(app.view_functions[rule.endpoint], "__module__", "")
        if module.startswith("suitability.web.practitioner"):
            assert rule.rule.startswith("/practitioner/"), rule.rule
            assert rule.endpoint.startswith("practitioner."), rule.endpoint


@pytest.mark.parametrize("guess", ["MN-0000-0000", "1", "case", "AAAAAAAAAAAAAAAAAAAAAA"])
def test_a_guessed_case_address_shows_nothing_even_to_a_practitioner(signed_in: FlaskClient, guess: str) -> None:
    assert signed_in.get(f"/practitioner/case/{guess}").status_code == 404


def test_after_signing_out_every_route_is_refused_again(app: Flask, signed_in: FlaskClient) -> None:
    case = store_case(app, "review")
    assert signed_in.post("/practitioner/sign-out").status_code == 303
    results = walk(signed_in, app, case.id)
    assert all(refused(s, loc) for _, _, s, loc in results)
