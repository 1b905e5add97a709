"""Which topics share a page and which yes/no questions are asked together as one checkbox group.

A patient with nothing to report ticks "None of these" once per group instead of answering "No" a dozen times.
Every grouped field keeps its own answer: a ticked box is "yes", an unticked box "no" only once the patient has
ticked something or "None of these"; "I am not sure about some of these" asks the unticked ones one by one with
Yes, No and Not sure. The declarations are checked against the Intake at import, so a new yes/no field that
belongs to no group, or a group naming a field the Intake no longer has, fails loudly instead of leaving the
form or the rules without an answer.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ...intake import TOPICS, Intake, field_meta
from ...vocabulary import Answer

NONE = "none"
NOT_SURE = "not_sure"


@dataclass(frozen=True)
class Group:
    """Yes/no fields asked as one "Do any of these apply to you?" question; `key` names its checkboxes."""

    key: str
    legend: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """One page of the form: its slug, its title and the Intake topics it holds, in order."""

    slug: str
    title: str
    topics: tuple[str, ...]


LAYOUT: tuple[Layout, ...] = (
    Layout("about-you", _l("About you"), ("about_you", "pregnancy")),
    Layout("your-skin", _l("Your skin"), ("skin_today", "skin_history")),
    Layout("medicines", _l("Medicines and supplements"), ("medicines",)),
    Layout("recent", _l("Recent treatments and sun"), ("recent",)),
    Layout("health", _l("Health conditions"), ("health",)),
    Layout("request", _l("What you want treated"), ("request", "appointment")),
)

GROUPS: tuple[Group, ...] = (
    Group("about-you-group", _l("Do any of these apply to you?"),
          ("pregnant", "breastfeeding", "smoker", "expects_complete_result")),
    Group("skin-now-group", _l("Do any of these apply to your skin?"),
          ("acne_inflamed", "acne_comedonal", "cold_sore_now", "skin_infection", "open_wounds", "warts", "eczema",
           "psoriasis", "rosacea", "vitiligo", "melasma", "skin_cancer", "suspicious_lesion", "tattoo_in_area")),
    Group("skin-past-group", _l("Has any of these happened to your skin?"),
          ("cold_sore_history", "keloid", "hypertrophic_scarring", "pih_history")),
    Group("medicines-group", _l("Have you used or taken any of these?"),
          ("retinoid", "exfoliant_acids", "benzoyl_peroxide", "anticoagulant", "nsaid", "aspirin", "supplements",
           "photosensitising_medication")),
    Group("recent-group", _l("Have you had any of these?"),
          ("ablative_resurfacing", "nonablative_laser", "hair_removal", "dermal_filler", "unknown_injectable",
           "facial_surgery", "sunburn", "tan", "self_tanner")),
    Group("health-group", _l("Do any of these apply to you?"),
          ("bleeding_disorder", "immunosuppressed", "chemo_or_radiotherapy", "radiotherapy_to_area",
           "scleroderma", "autoimmune", "steel_allergy", "nickel_allergy", "gold_allergy", "anaesthetic_allergy",
           "implanted_device", "metal_implants_in_area")),
)

# A question asked only when another is left blank: the age is needed only without a date of birth.
ASKED_IF_BLANK: dict[str, str] = {"age": "date_of_birth"}

GROUP_OF: dict[str, Group] = {name: group for group in GROUPS for name in group.fields}


def _is_yes_no(name: str) -> bool:
    annotation = Intake.model_fields[name].annotation
    return Answer in typing.get_args(annotation) or annotation is Answer


def check_declarations() -> None:
    """Fail at import if the groups or the layout no longer fit the Intake (see the module docstring)."""
    fields = Intake.model_fields
    placed = [topic for layout in LAYOUT for topic in layout.topics]
    if sorted(placed) != sorted(TOPICS) or len(set(placed)) != len(placed):
        raise TypeError(f"each intake topic must be on exactly one page: {sorted(placed)} vs {sorted(TOPICS)}")
    grouped = [name for group in GROUPS for name in group.fields]
    if len(set(grouped)) != len(grouped):
        raise TypeError("a field is in more than one checkbox group")
    page_of_topic = {topic: layout.slug for layout in LAYOUT for topic in layout.topics}
    for group in GROUPS:
        pages = set()
        for name in group.fields:
            if name not in fields or not _is_yes_no(name) or field_meta(name).get("enable_when"):
                raise TypeError(f"group {group.key!r}: {name!r} is not a top-level yes/no intake question")
            pages.add(page_of_topic[field_meta(name)["topic"]])
        if len(pages) != 1:
            raise TypeError(f"group {group.key!r} spans pages {sorted(pages)}")
    for name in fields:
        if _is_yes_no(name) and not field_meta(name).get("enable_when") and name not in GROUP_OF:
            raise TypeError(f"yes/no question {name!r} is in no checkbox group: add it to one in groups.py")
    for asked, blank in ASKED_IF_BLANK.items():
        if asked not in fields or blank not in fields:
            raise TypeError(f"ASKED_IF_BLANK names a field the intake does not have: {asked!r}, {blank!r}")


check_declarations()
