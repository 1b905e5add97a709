"""The appointment and the dates at every door (clinical-rules.md §1a): the CLI, the JSON API, FHIR and the
webhooks say first that a too-early appointment cannot go ahead; a screening date is never later than today in
the clinic's zone; contradicting answers are refused naming the fields, never their values, and nothing is
stored."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.common.api_examples import example
from tests.common.api_support import get_db_of, make_app, new_key

from suitability import clock
from suitability.api.models import WebhookDelivery
from suitability.cli import main
from suitability.fhir import response_from_intake
from suitability.fhir.codes import system_of
from suitability.intake import parse_intake
from suitability.storage import Case
from suitability.vocabulary import Area

FHIR = "application/fhir+json"
# the case reported: retinoid last used on the day of the pre-screen, appointment 8 days later
TOO_EARLY = {"retinoid": "yes", "retinoid_last_use": "2026-03-02", "appointment_date": "2026-03-10"}
HEADLINE = "Your appointment on 10 Mar 2026 is too early: the earliest date is 12 Mar 2026; please move it."
CONTRADICTIONS = [
    pytest.param({"retinoid": "no", "retinoid_last_use": "2026-03-01"}, {"retinoid_last_use"}, "retinoid",
                 id="retinoid-no-with-a-date"),
    pytest.param({"melasma": "no", "melasma_areas": ["cheeks"]}, {"melasma_areas"}, "melasma",
                 id="melasma-no-with-areas"),
    pytest.param({"age": 20}, {"age"}, "date of birth", id="age-not-matching-the-date-of-birth"),
    pytest.param({"tan": "yes", "tan_date": "2026-03-03"}, {"tan_date"}, "screening_date",
                 id="event-after-the-screening-date"),
    pytest.param({"appointment_date": "2026-03-01"}, {"appointment_date"}, "screening_date",
                 id="appointment-before-the-screening-date"),
]


def cases(app: Flask) -> int:
    with get_db_of(app).session() as session:
        return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def screen_api(client: FlaskClient, auth: dict[str, str], intake: dict[str, Any], store: bool = False) -> Any:
    return client.post("/api/v1/screenings", json={"intake": intake, "store": store}, headers=auth)


def post_qr(client: FlaskClient, auth: dict[str, str], qr: Any, query: str = "") -> Any:
    return client.post(f"/fhir/QuestionnaireResponse{query}", json=qr, headers={**auth, "Content-Type": FHIR})


# --- the CLI -----------------------------------------------------------------------------------------------------

def test_cli_text_says_first_that_the_appointment_is_too_early(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(example(TOO_EARLY)))
    assert main(["screen", str(path), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == HEADLINE
    assert "Not yet" in out and "from 2 Mar 2026" in out and "Valid until" not in out
    assert main(["screen", str(path), "--format", "json"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["outcome"] == "defer" and decision["headline"] == HEADLINE


@pytest.mark.parametrize(("changes", "fields", "named"), CONTRADICTIONS)
def test_cli_refuses_contradictions_with_exit_2_naming_the_fields(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, Any], fields: set[str],
        named: str) -> None:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(example(changes)))
    assert main(["screen", str(path)]) == 2
    err = capsys.readouterr().err
    assert all(f"  {field}:" in err for field in fields) and named in err
    assert "2026-03-01" not in err and "2026-03-03" not in err


def test_cli_refuses_a_screening_date_later_than_today_and_takes_today_without_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUITABILITY_TIMEZONE", "Pacific/Kiritimati")  # UTC+14: its today is often UTC's tomorrow
    path = tmp_path / "intake.json"
    path.write_text(json.dumps({**example({"appointment_date": None}), "screening_date": "2099-01-01"}))
    assert main(["screen", str(path)]) == 2
    assert "screening_date" in capsys.readouterr().err
    data = example({"appointment_date": None})
    del data["screening_date"]
    path.write_text(json.dumps(data))
    assert main(["screen", str(path), "--format", "json"]) == 0
    today = clock.today(clock.clinic_zone("Pacific/Kiritimati"))
    assert json.loads(capsys.readouterr().out)["screening_date"] == today.isoformat()


# --- the JSON API ------------------------------------------------------------------------------------------------

def test_api_decision_defers_a_too_early_appointment_with_the_headline(
        client: FlaskClient, auth: dict[str, str]) -> None:
    response = screen_api(client, auth, example(TOO_EARLY))
    assert response.status_code == 200
    decision = response.get_json()["decision"]
    assert decision["outcome"] == "defer" and decision["headline"] == HEADLINE
    assert "appointment-before-earliest-date" in decision["flags"]
    starts = {i["id"]: i["starts"] for i in decision["instructions"]}
    assert starts["P3"] == "2026-03-02" and starts["A3"] == "2026-03-12"  # from the earliest date


def test_api_keeps_a_precaution_whose_wait_has_passed(client: FlaskClient, auth: dict[str, str]) -> None:
    # ibuprofen last taken three weeks before the appointment
    decision = screen_api(client, auth, example({"nsaid": "yes", "nsaid_last_use": "2026-02-27"})).get_json()[
        "decision"]
    assert decision["outcome"] == "suitable_with_precautions"
    assert {i["id"]: i["starts"] for i in decision["instructions"]}["P7"] == "2026-03-13"


@pytest.mark.parametrize(("changes", "fields", "named"), CONTRADICTIONS)
def test_api_refuses_contradictions_naming_the_fields_and_stores_nothing(
        app: Flask, client: FlaskClient, auth: dict[str, str], changes: dict[str, Any], fields: set[str],
        named: str) -> None:
    response = screen_api(client, auth, example(changes), store=True)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert {f"intake.{f}" for f in fields} <= {e["field"] for e in errors}
    assert any(named in e["message"] for e in errors)
    assert "2026-03-01" not in json.dumps(errors) and "2026-03-03" not in json.dumps(errors)
    assert cases(app) == 0


def test_api_refuses_a_screening_date_later_than_today_in_the_clinics_zone(
        app: Flask, client: FlaskClient, auth: dict[str, str]) -> None:
    tomorrow = clock.today(app.config["CLINIC_ZONE"]) + dt.timedelta(days=1)
    intake = {**example({"appointment_date": None}), "screening_date": tomorrow.isoformat()}
    response = screen_api(client, auth, intake, store=True)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["intake.screening_date"]
    assert tomorrow.isoformat() not in response.get_data(as_text=True)
    assert cases(app) == 0


def test_api_screens_as_of_today_in_the_clinics_zone_without_a_screening_date(
        tmp_path: Path, db_url: str) -> None:
    app = make_app(tmp_path, db_url, TIMEZONE="Pacific/Kiritimati")
    intake = example({"appointment_date": None})
    del intake["screening_date"]
    response = screen_api(app.test_client(), {"Authorization": f"Bearer {new_key(app)}"}, intake)
    assert response.status_code == 200
    today = clock.today(clock.clinic_zone("Pacific/Kiritimati"))
    assert response.get_json()["decision"]["screening_date"] == today.isoformat()


def test_an_unknown_time_zone_stops_the_app_at_start_naming_the_setting(tmp_path: Path, db_url: str) -> None:
    with pytest.raises(clock.TimezoneError, match="SUITABILITY_TIMEZONE"):
        make_app(tmp_path, db_url, TIMEZONE="Mars/Olympus_Mons")


# --- FHIR --------------------------------------------------------------------------------------------------------

def test_the_questionnaire_never_asks_for_the_screening_date(client: FlaskClient, auth: dict[str, str]) -> None:
    text = client.get("/fhir/Questionnaire/microneedling-prescreen", headers=auth).get_data(as_text=True)
    assert "screening_date" not in text and "Date of this pre-screen" not in text


def test_fhir_guidance_says_first_that_the_appointment_is_too_early(
        client: FlaskClient, auth: dict[str, str]) -> None:
    qr = response_from_intake(parse_intake(example(TOO_EARLY)))
    bundle = post_qr(client, auth, qr).get_json()
    guidance = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "GuidanceResponse")
    assert guidance["note"][0]["text"] == HEADLINE
    params = {p["name"]: p for p in guidance["contained"][0]["parameter"]}
    assert params["headline"]["valueString"] == HEADLINE and params["appointmentTooEarly"]["valueBoolean"] is True
    assert params["outcome"]["valueCoding"]["code"] == "defer"


def test_fhir_takes_the_screening_date_from_authored_in_the_clinics_zone(
        tmp_path: Path, db_url: str) -> None:
    app = make_app(tmp_path, db_url, TIMEZONE="Pacific/Auckland")
    auth = {"Authorization": f"Bearer {new_key(app)}"}
    # 2 Mar 2026 at 20:00 UTC is already 3 Mar in Auckland (UTC+13)
    qr = response_from_intake(parse_intake(example({"appointment_date": None})), authored="2026-03-02T20:00:00Z")
    bundle = post_qr(app.test_client(), auth, qr).get_json()
    guidance = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "GuidanceResponse")
    assert guidance["occurrenceDateTime"] == "2026-03-03"


def test_fhir_refuses_an_authored_day_later_than_today(client: FlaskClient, auth: dict[str, str]) -> None:
    qr = response_from_intake(parse_intake(example({})), authored="2099-01-01T10:00:00Z")
    response = post_qr(client, auth, qr)
    assert response.status_code == 422
    assert "QuestionnaireResponse.authored" in response.get_data(as_text=True)
    assert "2099" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("changes", "fields", "named"), CONTRADICTIONS[:3])
def test_fhir_refuses_contradictions_naming_the_fields(
        app: Flask, client: FlaskClient, auth: dict[str, str], changes: dict[str, Any], fields: set[str],
        named: str) -> None:
    data = example({k: v for k, v in changes.items() if k not in ("retinoid_last_use", "melasma_areas", "age")})
    qr = response_from_intake(parse_intake(data))
    extra = {k: v for k, v in changes.items() if k in ("retinoid_last_use", "melasma_areas", "age")}
    sent = json.loads(json.dumps(qr))
    for name, value in extra.items():  # the follow-up answered although its question says no
        topic = "medicines" if name.startswith("retinoid") else ("skin_today" if name == "melasma_areas" else "about_you")
        group = next(g for g in sent["item"] if g["linkId"] == topic)
        if name == "melasma_areas":
            answer = [{"valueCoding": {"system": system_of(Area), "code": "cheeks"}}]
        elif name == "age":
            answer = [{"valueInteger": value}]
        else:
            answer = [{"valueDate": value}]
        group["item"] = [i for i in group["item"] if i["linkId"] != name] + [{"linkId": name, "answer": answer}]
    response = post_qr(client, auth, sent, "?store=true")
    assert response.status_code == 422
    issues = response.get_json()["issue"]
    expressions = {e for i in issues for e in i.get("expression", [])}
    assert fields <= expressions and any(named in i["details"]["text"] for i in issues)
    assert cases(app) == 0


# --- the webhook -------------------------------------------------------------------------------------------------

def test_the_deferred_webhook_says_the_appointment_is_too_early(hooked: Flask) -> None:
    token = new_key(hooked)
    response = hooked.test_client().post("/api/v1/screenings", json={"intake": example(TOO_EARLY), "store": True},
                                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    with get_db_of(hooked).session() as session:
        (row,) = session.scalars(select(WebhookDelivery)).all()
    body = json.loads(row.body)
    assert body["type"] == "screening.deferred"
    assert body["data"]["headline"] == HEADLINE and body["data"]["appointment_too_early"] is True
    assert body["data"]["earliest_date"] == "2026-03-12"
    assert "retinoid_last_use" not in row.body
