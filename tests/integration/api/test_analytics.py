"""GET /api/v1/analytics/rules: the figures as JSON, only for keys granted the analytics scope by name."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.api_support import BOTH_BACKENDS, get_db_of, new_key
from tests.common.rulesets import library_rulesets

from suitability import screen
from suitability.intake import parse_intake
from suitability.services.api_keys import DEFAULT_SCOPES, ApiKeyError, add_key, scopes_of
from suitability.services.events import RecordingEvents
from suitability.services.review import Proposal, record_review
from suitability.storage import store_submission
from suitability.storage.accounts import add_user
from suitability.storage.integration_models import ApiKey
from suitability.storage.review_models import OverrideReason, ReviewAction

URL = "/api/v1/analytics/rules"
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "intake.json"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _override_one_pregnant_case(app: Flask) -> None:
    data = json.loads(EXAMPLE.read_text())
    data.update(pregnant="yes", screening_date=dt.date.today().isoformat(),
                appointment_date=(dt.date.today() + dt.timedelta(days=30)).isoformat())
    intake = parse_intake(data)
    with get_db_of(app).session() as session:
        case, _ = store_submission(session, intake, screen(intake), idempotency_key=None, body_hash=None,
                                   source="api", rulesets=library_rulesets)
        reviewer = add_user(session, "ana", "correct horse battery staple").id
        record_review(session, case.id, reviewer, Proposal(
            ReviewAction.APPROVE, depth_limits={0: 0.5, 1: 0.5}, override_reason=OverrideReason.ENGINE_ERROR,
            override_note="Checked"), expected_version=0, events=RecordingEvents())


@BOTH_BACKENDS
def test_an_analytics_key_reads_the_figures(app: Flask, client: FlaskClient) -> None:
    _override_one_pregnant_case(app)
    token = new_key(app, "reports", scopes=("analytics",))
    body = client.get(URL, headers=_bearer(token)).get_json()
    rules = {rule["rule_id"]: rule for rule in body["rules"]}
    pregnant = rules["pregnant"]
    assert (pregnant["fired"], pregnant["decided"], pregnant["practitioner_decisions"], pregnant["overrides"]) \
        == (1, 1, 1, 1)
    assert pregnant["override_rate_percent"] == 100.0 and pregnant["override_reasons"] == {"engine-error": 1}
    assert pregnant["review_item"] is False  # one decision is fewer than the default alert's 20
    assert body["alert"] == {"rate_percent": 30.0, "minimum_decisions": 20}
    assert sum(week["outcomes"]["not_suitable"] for week in body["weeks"]) == 1


def test_a_key_without_the_scope_is_refused_and_a_key_with_only_it_cannot_screen(
        app: Flask, client: FlaskClient, token: str) -> None:
    refused = client.get(URL, headers=_bearer(token))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    reports = new_key(app, "reports", scopes=("analytics",))
    assert client.get("/api/v1/rules", headers=_bearer(reports)).status_code == 403
    assert client.get("/api/v1/rules", headers=_bearer(token)).status_code == 200
    both = new_key(app, "both", scopes=("screen", "analytics"))
    assert client.get(URL, headers=_bearer(both)).status_code == 200
    assert client.get("/api/v1/rules", headers=_bearer(both)).status_code == 200


def test_keys_stored_without_scopes_keep_the_default_scope(app: Flask) -> None:
    with get_db_of(app).session() as session:
        key, _ = add_key(session, "old-integration")
        assert key.scopes is None and scopes_of(key) == DEFAULT_SCOPES == {"screen"}
        assert scopes_of(ApiKey(name="x", prefix="p", secret_hash="h", scopes="analytics bogus")) == {"analytics"}
        with pytest.raises(ApiKeyError):
            add_key(session, "typo", scopes=("analytic",))


@pytest.mark.parametrize("query", ["start=2026-05-01&end=2026-04-01", "start=2020-01-01&end=2026-01-01",
                                   "start=<script>&end=2026-01-01", "start=2026-01-01"])
def test_a_bad_period_is_a_422_that_does_not_repeat_it(app: Flask, client: FlaskClient, query: str) -> None:
    token = new_key(app, "reports", scopes=("analytics",))
    response = client.get(f"{URL}?{query}", headers=_bearer(token))
    assert response.status_code == 422
    assert "<script>" not in response.get_data(as_text=True) and "2020" not in response.get_data(as_text=True)


def test_a_period_of_one_day_counts_that_day(app: Flask, client: FlaskClient) -> None:
    _override_one_pregnant_case(app)
    token = new_key(app, "reports", scopes=("analytics",))
    today = dt.datetime.now(dt.UTC).date()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    body = client.get(f"{URL}?start={yesterday}&end={yesterday}", headers=_bearer(token)).get_json()
    assert all(rule["fired"] == 0 for rule in body["rules"])
    body = client.get(f"{URL}?start={today}&end={today}", headers=_bearer(token)).get_json()
    assert body["weeks"][0]["start"] == today.isoformat()


def test_a_query_parameter_other_than_start_and_end_is_refused_without_echo(app: Flask, client: FlaskClient) -> None:
    token = new_key(app, "analyst", scopes=("analytics",))
    response = client.get("/api/v1/analytics/rules?zqechoqz=1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert "zqechoqz" not in response.get_data(as_text=True)
