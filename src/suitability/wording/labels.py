"""Plain-word labels for every answer a patient can pick; the questions' wording itself lives in the intake."""

from __future__ import annotations

from enum import Enum

from ..vocabulary import (
    Answer,
    Area,
    Concern,
    Diabetes,
    Fitzpatrick,
    IsotretinoinUse,
    Modality,
    PeelDepth,
    Setting,
    ToxinSite,
)

NOT_SURE = "Not sure"

LABELS: dict[type[Enum], dict[str, str]] = {
    Answer: {"yes": "Yes", "no": "No", "not_sure": NOT_SURE},
    Fitzpatrick: {
        "I": "Type I: always burns, never tans",
        "II": "Type II: usually burns, tans a little",
        "III": "Type III: sometimes burns, tans slowly",
        "IV": "Type IV: rarely burns, tans easily",
        "V": "Type V: very rarely burns, brown skin",
        "VI": "Type VI: never burns, dark brown or black skin",
        "not_sure": NOT_SURE,
    },
    IsotretinoinUse: {"no": "No", "past": "Yes, but I have stopped", "current": "Yes, I take it now",
                      "not_sure": NOT_SURE},
    PeelDepth: {"no": "No", "superficial": "Yes, a light (superficial) peel",
                "medium_deep": "Yes, a medium or deep peel", "not_sure": NOT_SURE},
    ToxinSite: {"no": "No", "elsewhere_face": "Yes, in another part of my face",
                "treatment_area": "Yes, in the area I want treated", "not_sure": NOT_SURE},
    Diabetes: {"no": "No", "controlled": "Yes, and it is well controlled",
               "uncontrolled": "Yes, and it is not well controlled", "not_sure": NOT_SURE},
    Setting: {"clinic": "In a clinic, by a practitioner", "home": "At home, by myself"},
    Modality: {"mechanical": "Mechanical: a pen, roller or stamp", "rf": "With radiofrequency (RF) energy"},
    Area: {area.value: area.label for area in Area},
    Concern: {concern.value: concern.label for concern in Concern},
}


def label(enum: type[Enum], value: str) -> str:
    """The words for one answer."""
    return LABELS[enum][value]


def _check() -> None:
    """Fail at import, loudly, if a vocabulary gained a value nobody wrote words for."""
    for enum, words in LABELS.items():
        missing = {member.value for member in enum} - set(words)
        if missing:
            raise RuntimeError(f"no label for {enum.__name__} values {sorted(missing)}")


_check()
