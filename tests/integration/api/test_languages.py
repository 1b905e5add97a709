"""The JSON API answers in the language Accept-Language asks for, says which in Content-Language, keeps the
decision itself the same, and records the language on a stored case."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.common.api_examples import example
from tests.common.api_support import BOTH_BACKENDS, get_db_of

from suitability.storage import Case


def post(client: FlaskClient, auth: dict[str, str], body: Any, language: str | None) -> Any:
    headers = {**auth, **({"Accept-Language": language} if language else {})}
    return client.post("/api/v1/screenings", json=body, headers=headers)


def test_spanish_asked_gives_spanish_patient_texts_and_says_so(client: FlaskClient, auth: dict[str, str]) -> None:
    body = {"intake": example({"pregnant": "yes"})}
    english = post(client, auth, body, None)
    spanish = post(client, auth, body, "es-ES,es;q=0.9,en;q=0.5")
    assert spanish.headers["Content-Language"] == "es"
    assert english.headers["Content-Language"] == "en"
    found_en, found_es = english.get_json()["decision"], spanish.get_json()["decision"]
    assert found_es["outcome"] == found_en["outcome"] == "not_suitable"
    assert [f["rule_id"] for f in found_es["findings"]] == [f["rule_id"] for f in found_en["findings"]]
    pregnant = next(f for f in found_es["findings"] if f["rule_id"] == "pregnant")
    assert pregnant["patient_text"].startswith("La micropunción no se hace durante el embarazo")
    assert all(i["text"] != j["text"] for i, j in zip(found_es["instructions"], found_en["instructions"],
                                                       strict=True))


def test_a_language_not_shipped_gets_english(client: FlaskClient, auth: dict[str, str]) -> None:
    response = post(client, auth, {"intake": example({"pregnant": "yes"})}, "fr-FR")
    assert response.headers["Content-Language"] == "en"
    assert response.get_json()["decision"]["findings"][0]["patient_text"].startswith("Microneedling")


@BOTH_BACKENDS
def test_a_stored_case_records_the_language_and_reads_back_in_the_one_asked(app: Flask, client: FlaskClient,
                                                                          auth: dict[str, str]) -> None:
    created = post(client, auth, {"intake": example({"pregnant": "yes"}), "store": True}, "es")
    assert created.status_code == 201
    with get_db_of(app).session() as session:
        case = session.scalars(select(Case)).one()
        assert case.language == "es"
        assert case.decision["findings"][0]["patient_text"].startswith("Microneedling")  # stored as decided
    url = created.get_json()["case"]["url"]
    again = client.get(url, headers={**auth, "Accept-Language": "en"}).get_json()["decision"]
    assert again["findings"][0]["patient_text"].startswith("Microneedling")
    spanish = client.get(url, headers={**auth, "Accept-Language": "es"})
    assert spanish.headers["Content-Language"] == "es"
    assert spanish.get_json()["decision"]["findings"][0]["patient_text"].startswith("La micropunción")


def _walk(items: list[dict[str, Any]]) -> Any:
    for item in items:
        yield item
        yield from _walk(item.get("item", []))


def _spanish(element: dict[str, Any], key: str) -> str:
    (extension,) = element[f"_{key}"]["extension"]
    parts = {part["url"]: part for part in extension["extension"]}
    assert extension["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
    assert parts["lang"]["valueCode"] == "es"
    return str(parts["content"]["valueString"])


def test_the_questionnaire_carries_its_language_and_a_spanish_translation_of_every_text(
        client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.get("/fhir/Questionnaire/microneedling-prescreen", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["language"] == "en"
    assert _spanish(body, "title") == "Evaluación previa para micropunción"
    untranslated = []
    for item in _walk(body["item"]):
        if _spanish(item, "text") == item["text"]:
            untranslated.append(item["text"])
        for option in item.get("answerOption", []):
            coding = option["valueCoding"]
            if _spanish(coding, "display") == coding["display"] and coding["display"] not in ("No", "Melasma"):
                untranslated.append(coding["display"])
    assert not untranslated


def test_the_questionnaire_words_its_options_as_the_web_form_does(client: FlaskClient,
                                                                  auth: dict[str, str]) -> None:
    from suitability.vocabulary import Fitzpatrick, PeelDepth
    from suitability.wording.labels import LABELS

    body = client.get("/fhir/Questionnaire/microneedling-prescreen", headers=auth).get_json()
    items = {item["linkId"]: item for item in _walk(body["item"])}
    skin = {o["valueCoding"]["code"]: o["valueCoding"]["display"] for o in items["fitzpatrick"]["answerOption"]}
    peel = {o["valueCoding"]["code"]: o["valueCoding"]["display"] for o in items["chemical_peel"]["answerOption"]}
    assert skin == LABELS[Fitzpatrick] and skin["I"] == "Type I: always burns, never tans"
    assert peel == LABELS[PeelDepth] and peel["superficial"] == "Yes, a light (superficial) peel"
    spanish = {o["valueCoding"]["code"]: _spanish(o["valueCoding"], "display")
               for o in items["fitzpatrick"]["answerOption"]}
    assert spanish["I"] == "Tipo I: siempre se quema, nunca se broncea"
