"""How each intake field becomes a FHIR item: its item type, vocabulary and whether it repeats.

Read from the pydantic annotations, so a new question needs no change here; a field of a kind this module does
not know fails loudly when the Questionnaire is built, never silently drops out of it.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..intake import Intake, field_meta

# FHIR item type -> the answer[x] element that carries it.
VALUE_KEY = {"choice": "valueCoding", "date": "valueDate", "integer": "valueInteger", "boolean": "valueBoolean"}


@dataclass(frozen=True)
class ItemKind:
    """One field as a FHIR item. `model` is set for groups (e.g. one requested treatment)."""

    fhir_type: str  # choice, date, integer, boolean, group
    repeats: bool = False
    enum: type[Enum] | None = None
    model: type[BaseModel] | None = None


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def kind_of(name: str, info: FieldInfo) -> ItemKind:
    """The FHIR item kind of one pydantic field."""
    annotation = _strip_optional(info.annotation)
    repeats = typing.get_origin(annotation) is tuple
    if repeats:
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return ItemKind("choice", repeats, enum=annotation)
        if issubclass(annotation, BaseModel):
            return ItemKind("group", repeats, model=annotation)
        if annotation is bool:
            return ItemKind("boolean", repeats)
        if annotation is int:
            return ItemKind("integer", repeats)
        if annotation is dt.date:
            return ItemKind("date", repeats)
    raise NotImplementedError(f"intake field {name!r} has a type FHIR items do not cover yet: {info.annotation!r}")


# Intake fields that are no question for the patient: the screening date is the response's `authored` day.
NOT_ASKED = frozenset({"screening_date"})


def intake_fields() -> dict[str, tuple[FieldInfo, ItemKind, dict[str, Any]]]:
    """Every intake field the patient is asked, in declaration order, with its kind and question metadata."""
    return {name: (info, kind_of(name, info), field_meta(name)) for name, info in Intake.model_fields.items()
            if name not in NOT_ASKED}


def bound(info: FieldInfo, which: str) -> int | None:
    """A numeric bound (ge/le) declared on a field, if any."""
    for item in info.metadata:
        value = getattr(item, which, None)
        if isinstance(value, int):
            return value
    return None
