"""Canonical URLs, code systems and codings shared by every FHIR mapping (pure: no I/O, no Flask)."""

from __future__ import annotations

import json
from enum import Enum
from importlib import metadata
from typing import Any, TypeVar

from fhir.resources.R4B.resource import Resource

# Canonical base of the resources this product defines. It names, it is not fetched; keep it stable.
BASE = "https://suitability.example.org/fhir"
QUESTIONNAIRE_ID = "microneedling-prescreen"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/{QUESTIONNAIRE_ID}"
PLAN_URL = f"{BASE}/PlanDefinition/{QUESTIONNAIRE_ID}"
EXTENSION = f"{BASE}/StructureDefinition"
SDC_QUESTIONNAIRE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
FHIR_JSON = "application/fhir+json"

R = TypeVar("R", bound=Resource)


def package_version() -> str:
    """The installed package's version (the Questionnaire's version starts with it)."""
    try:
        return metadata.version("suitability")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "0+unknown"


def system_of(enum: type[Enum]) -> str:
    """The code system of one closed vocabulary, e.g. .../CodeSystem/isotretinoin-use."""
    kebab = "".join("-" + c.lower() if c.isupper() else c for c in enum.__name__).lstrip("-")
    return f"{BASE}/CodeSystem/{kebab}"


def display(member: Enum) -> str:
    """The words a person sees for a code: the vocabulary's own label when it has one."""
    label = getattr(member, "label", None)
    if isinstance(label, str):
        return label
    text = str(member.value)
    return text if text.isupper() else text.replace("_", " ").capitalize()


def coding(member: Enum) -> dict[str, str]:
    return {"system": system_of(type(member)), "code": str(member.value), "display": display(member)}


def checked(model: type[R], data: dict[str, Any]) -> dict[str, Any]:
    """Validate a resource with fhir.resources and return its canonical JSON form (raises on any error)."""
    return dict(json.loads(model.model_validate(data).model_dump_json()))
