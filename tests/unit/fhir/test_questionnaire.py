"""The Questionnaire is generated from the Intake model, validates as FHIR, and says what the form says."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire

from suitability.fhir import QUESTIONNAIRE_URL, questionnaire
from suitability.fhir.codes import package_version
from suitability.intake import TOPICS, Intake, field_meta

VERSION = "sha256:0123456789abcdef"


def items(q: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            found[node["linkId"]] = node
            walk(node.get("item", []))

    walk(q["item"])
    return found


def test_questionnaire_validates_with_fhir_resources() -> None:
    q = questionnaire(VERSION)
    assert Questionnaire.model_validate(q).id == "microneedling-prescreen"
    assert q["url"] == QUESTIONNAIRE_URL and q["status"] == "active"


def test_version_is_the_package_version_and_the_rule_set_version() -> None:
    assert questionnaire(VERSION)["version"] == f"{package_version()}+sha256.0123456789abcdef"


def test_every_intake_field_is_an_item_grouped_by_its_topic() -> None:
    q = questionnaire(VERSION)
    groups = {g["linkId"]: {i["linkId"] for i in g["item"]} for g in q["item"]}
    assert set(groups) <= set(TOPICS)
    for name in Intake.model_fields:
        if name == "screening_date":  # the day answered is the response's `authored`, never a question
            assert all(name not in items for items in groups.values())
            continue
        assert name in groups[field_meta(name)["topic"]], name


def test_items_carry_the_question_text_and_the_right_type() -> None:
    found = items(questionnaire(VERSION))
    assert found["pregnant"]["text"] == Intake.model_fields["pregnant"].title
    assert found["pregnant"]["type"] == "choice"
    assert found["isotretinoin_last_dose"]["type"] == "date"
    assert found["age"]["type"] == "integer"
    assert found["setting"]["required"] is True


def test_choices_offer_not_sure() -> None:
    codes = [o["valueCoding"]["code"] for o in items(questionnaire(VERSION))["pregnant"]["answerOption"]]
    assert codes == ["yes", "no", "not_sure"]
    displays = [o["valueCoding"]["display"] for o in items(questionnaire(VERSION))["pregnant"]["answerOption"]]
    assert "Not sure" in displays


def test_follow_ups_are_enabled_by_their_question() -> None:
    found = items(questionnaire(VERSION))
    when = found["isotretinoin_last_dose"]["enableWhen"]
    assert when == [{"question": "isotretinoin", "operator": "=", "answerCoding": when[0]["answerCoding"]}]
    assert when[0]["answerCoding"]["code"] == "past"
    peel = found["chemical_peel_date"]
    assert {w["answerCoding"]["code"] for w in peel["enableWhen"]} == {"superficial", "medium_deep"}
    assert peel["enableBehavior"] == "any"
    for name in Intake.model_fields:
        if field_meta(name).get("enable_when"):
            assert "enableWhen" in found[name], name


def test_treatments_are_a_repeating_group_of_area_and_concern() -> None:
    group = items(questionnaire(VERSION))["treatments"]
    assert group["type"] == "group" and group["repeats"] is True and group["required"] is True
    assert [i["linkId"] for i in group["item"]] == ["treatments.area", "treatments.concern"]
    assert all(i["type"] == "choice" and i["answerOption"] for i in group["item"])


def test_help_text_is_a_help_display_item() -> None:
    help_item = items(questionnaire(VERSION))["retinoid_last_use.help"]
    assert help_item["type"] == "display"
    assert help_item["text"] == Intake.model_fields["retinoid_last_use"].description


def test_link_ids_are_unique() -> None:
    seen: list[str] = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            seen.append(node["linkId"])
            walk(node.get("item", []))

    walk(questionnaire(VERSION)["item"])
    assert len(seen) == len(set(seen))
