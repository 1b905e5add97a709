"""The intake as an SDC-style R4 Questionnaire, generated from the Intake model's fields (one source of wording)."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic.fields import FieldInfo

from ..intake import TOPICS
from .codes import (
    ITEM_CONTROL,
    ITEM_CONTROL_SYSTEM,
    MAX_VALUE,
    MIN_VALUE,
    QUESTIONNAIRE_ID,
    QUESTIONNAIRE_URL,
    SDC_QUESTIONNAIRE,
    checked,
    coding,
    package_version,
)
from .fields import ItemKind, bound, intake_fields, kind_of


def questionnaire_version(ruleset_version: str) -> str:
    """Package version + rule-set version as SemVer build metadata, e.g. 0.1.0+sha256.0123abcd."""
    return f"{package_version()}+{ruleset_version.replace(':', '.')}"


def _help(link_id: str, text: str) -> dict[str, Any]:
    control = {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]}
    return {"linkId": f"{link_id}.help", "type": "display", "text": text,
            "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": control}]}


def _enable_when(meta: dict[str, Any], kinds: dict[str, ItemKind]) -> dict[str, Any]:
    """`enable_when: {question: [answers]}` as enableWhen; several answers of one question are 'any'."""
    conditions = meta.get("enable_when") or {}
    if not conditions:
        return {}
    if len(conditions) > 1 and any(len(v) > 1 for v in conditions.values()):
        raise NotImplementedError("enable_when over several questions with several answers is not expressible")
    out: list[dict[str, Any]] = []
    for question, answers in conditions.items():
        enum = kinds[question].enum
        for answer in answers:
            value = {"answerCoding": coding(enum(answer))} if enum else {"answerBoolean": answer in (True, "true")}
            out.append({"question": question, "operator": "=", **value})
    behaviour = {"enableBehavior": "any" if len(conditions) == 1 else "all"} if len(out) > 1 else {}
    return {"enableWhen": out, **behaviour}


def _item(link_id: str, info: FieldInfo, kind: ItemKind, meta: dict[str, Any],
          kinds: dict[str, ItemKind]) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, "text": info.title or link_id, "type": kind.fhir_type}
    if info.is_required():
        item["required"] = True
    if kind.repeats:
        item["repeats"] = True
    if kind.enum is not None:
        default = info.get_default(call_default_factory=False)
        item["answerOption"] = [
            {"valueCoding": coding(m), **({"initialSelected": True} if m == default else {})} for m in kind.enum]
    if kind.fhir_type == "integer":
        limits = [(MIN_VALUE, bound(info, "ge")), (MAX_VALUE, bound(info, "le"))]
        extensions = [{"url": url, "valueInteger": v} for url, v in limits if v is not None]
        if extensions:
            item["extension"] = extensions
    item.update(_enable_when(meta, kinds))
    children: list[dict[str, Any]] = []
    if info.description:
        children.append(_help(link_id, info.description))
    if kind.model is not None:
        for name, sub in kind.model.model_fields.items():
            children.append(_item(f"{link_id}.{name}", sub, kind_of(name, sub), {}, kinds))
    if children:
        item["item"] = children
    return item


def questionnaire(ruleset_version: str) -> dict[str, Any]:
    """The Questionnaire `microneedling-prescreen`: one group per topic, linkIds are the intake field names."""
    fields = intake_fields()
    kinds = {name: kind for name, (_, kind, _) in fields.items()}
    groups: dict[str, list[dict[str, Any]]] = {topic: [] for topic in TOPICS}
    for name, (info, kind, meta) in fields.items():
        groups[meta.get("topic", "about_you")].append(_item(name, info, kind, meta, kinds))
    clash = set(TOPICS) & set(fields)
    if clash:  # pragma: no cover - a topic key must never shadow a question's linkId
        raise ValueError(f"topic keys clash with field names: {sorted(clash)}")
    return checked(Questionnaire, {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "meta": {"profile": [SDC_QUESTIONNAIRE]},
        "url": QUESTIONNAIRE_URL,
        "version": questionnaire_version(ruleset_version),
        "name": "MicroneedlingPrescreen",
        "title": "Microneedling pre-screen",
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "suitability",
        "description": "A pre-screen for microneedling. It never replaces the practitioner's consultation. "
                       "A missing answer means 'not sure'.",
        "item": [{"linkId": topic, "type": "group", "text": TOPICS[topic], "item": items}
                 for topic, items in groups.items() if items],
    })
