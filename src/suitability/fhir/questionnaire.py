"""The intake as an SDC-style R4 Questionnaire, generated from the Intake model's fields (one source of wording)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
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

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"


def N_(text: str) -> str:
    """Mark a text for the web catalogue (pybabel extract -k N_): its translations come from there."""
    return text


TITLE = N_("Microneedling pre-screen")
DESCRIPTION = N_("A pre-screen for microneedling. It never replaces the practitioner's consultation. A missing "
                 "answer means 'not sure'.")


@dataclass(frozen=True)
class Wording:
    """The words of the Questionnaire: each answer's label as the web form shows it (enum -> value -> words),
    and, per other language, a function giving a text's translation (the form's catalogue)."""

    labels: Mapping[type[Enum], Mapping[str, str]] = field(default_factory=dict)
    translations: Mapping[str, Callable[[str], str]] = field(default_factory=dict)
    language: str = "en"

    def option(self, member: Enum) -> dict[str, Any]:
        """A coding with the form's words for it, translated."""
        found = coding(member)
        words = self.labels.get(type(member), {}).get(str(member.value))
        if words:
            found["display"] = words
        return {**found, **self.translated("display", found["display"])}

    def translated(self, key: str, text: str) -> dict[str, Any]:
        """`_<key>` with the standard translation extension for each other language (empty when none)."""
        extensions = [{"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": code},
                                                         {"url": "content", "valueString": translate(text)}]}
                      for code, translate in self.translations.items()]
        return {f"_{key}": {"extension": extensions}} if extensions else {}

    def text(self, text: str) -> dict[str, Any]:
        return {"text": text, **self.translated("text", text)}


def questionnaire_version(ruleset_version: str) -> str:
    """Package version + rule-set version as SemVer build metadata, e.g. 0.1.0+sha256.0123abcd."""
    return f"{package_version()}+{ruleset_version.replace(':', '.')}"


def _help(link_id: str, text: str, words: Wording) -> dict[str, Any]:
    control = {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]}
    return {"linkId": f"{link_id}.help", "type": "display", **words.text(text),
            "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": control}]}


def _enable_when(meta: dict[str, Any], kinds: dict[str, ItemKind], words: Wording) -> dict[str, Any]:
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
            value = ({"answerCoding": words.option(enum(answer))} if enum
                     else {"answerBoolean": answer in (True, "true")})
            out.append({"question": question, "operator": "=", **value})
    behaviour = {"enableBehavior": "any" if len(conditions) == 1 else "all"} if len(out) > 1 else {}
    return {"enableWhen": out, **behaviour}


def _item(link_id: str, info: FieldInfo, kind: ItemKind, meta: dict[str, Any],
          kinds: dict[str, ItemKind], words: Wording) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, **words.text(info.title or link_id), "type": kind.fhir_type}
    if info.is_required():
        item["required"] = True
    if kind.repeats:
        item["repeats"] = True
    if kind.enum is not None:
        default = info.get_default(call_default_factory=False)
        item["answerOption"] = [
            {"valueCoding": words.option(m), **({"initialSelected": True} if m == default else {})}
            for m in kind.enum]
    if kind.fhir_type == "integer":
        limits = [(MIN_VALUE, bound(info, "ge")), (MAX_VALUE, bound(info, "le"))]
        extensions = [{"url": url, "valueInteger": v} for url, v in limits if v is not None]
        if extensions:
            item["extension"] = extensions
    item.update(_enable_when(meta, kinds, words))
    children: list[dict[str, Any]] = []
    if info.description:
        children.append(_help(link_id, info.description, words))
    if kind.model is not None:
        for name, sub in kind.model.model_fields.items():
            children.append(_item(f"{link_id}.{name}", sub, kind_of(name, sub), {}, kinds, words))
    if children:
        item["item"] = children
    return item


def questionnaire(ruleset_version: str, words: Wording | None = None) -> dict[str, Any]:
    """The Questionnaire `microneedling-prescreen`: one group per topic, linkIds are the intake field names.
    `words`: the answers' labels as the web form words them, and translations of every text (else the
    vocabulary's own words, English only)."""
    words = words or Wording()
    fields = intake_fields()
    kinds = {name: kind for name, (_, kind, _) in fields.items()}
    groups: dict[str, list[dict[str, Any]]] = {topic: [] for topic in TOPICS}
    for name, (info, kind, meta) in fields.items():
        groups[meta.get("topic", "about_you")].append(_item(name, info, kind, meta, kinds, words))
    clash = set(TOPICS) & set(fields)
    if clash:  # pragma: no cover - a topic key must never shadow a question's linkId
        raise ValueError(f"topic keys clash with field names: {sorted(clash)}")
    return checked(Questionnaire, {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "meta": {"profile": [SDC_QUESTIONNAIRE]},
        "url": QUESTIONNAIRE_URL,
        "language": words.language,
        "version": questionnaire_version(ruleset_version),
        "name": "MicroneedlingPrescreen",
        "title": TITLE,
        **words.translated("title", TITLE),
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "suitability",
        "description": DESCRIPTION,
        **words.translated("description", DESCRIPTION),
        "item": [{"linkId": topic, "type": "group", **words.text(TOPICS[topic]), "item": items}
                 for topic, items in groups.items() if items],
    })
