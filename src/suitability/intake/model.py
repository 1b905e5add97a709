"""The intake: every answer a patient gives, validated strictly at the edge.

Each field is also a question: its `title` is the question in plain words, its `description` the help text,
and `json_schema_extra` says the topic (the page of the form), when a follow-up is asked (`enable_when`) and,
for dates, whether a blank date means "still using it" (`blank_means`). The web form, the JSON Schema and the
FHIR Questionnaire are all generated from these definitions, so the question wording lives in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

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
from .unknown_fields import is_unknown_field, unknown_field

TOPICS: dict[str, str] = {
    "about_you": "About you",
    "pregnancy": "Pregnancy and breastfeeding",
    "skin_today": "Your skin today",
    "skin_history": "Your skin's history",
    "medicines": "Medicines and supplements",
    "recent": "Recent treatments and sun",
    "health": "Health conditions",
    "request": "What you want treated",
    "appointment": "Your appointment",
}

MAX_TREATMENTS = 12
OLDEST_DATE = dt.date(1900, 1, 1)


def question(
    text: str,
    topic: str,
    help: str | None = None,
    enable_when: dict[str, list[str]] | None = None,
    blank_means: str | None = None,
    default: Any = None,
) -> Any:
    """A field that is also a question on the form; see the module docstring."""
    extra: dict[str, Any] = {"topic": topic}
    if enable_when:
        extra["enable_when"] = enable_when
    if blank_means:
        extra["blank_means"] = blank_means
    return Field(default=default, title=text, description=help, json_schema_extra=extra)


def _in_area(text: str) -> str:
    return f"{text} in or near the area you want treated?"


YES = [Answer.YES.value]


class TreatmentRequest(BaseModel):
    """One area the patient wants treated, and what for."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    area: Area = Field(title="Which area?")
    concern: Concern = Field(title="What would you like to improve there?")


class Intake(BaseModel):
    """Every answer of one pre-screen. Unknown fields are rejected; a missing answer means "not sure"."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, str_max_length=200)

    # --- about you ---------------------------------------------------------------------------------------
    date_of_birth: dt.date | None = question("What is your date of birth?", "about_you")
    age: int | None = Field(
        default=None, ge=0, le=120, title="How old are you?",
        description="Only needed if you did not give your date of birth.",
        json_schema_extra={"topic": "about_you"},
    )
    fitzpatrick: Fitzpatrick | None = question(
        "Which best describes your skin in the sun?", "about_you",
        "I: always burns, never tans. II: usually burns, tans a little. III: sometimes burns, tans slowly. "
        "IV: rarely burns, tans easily. V: very rarely burns, brown skin. VI: never burns, dark brown or black skin.",
    )
    smoker: Answer | None = question("Do you smoke or vape nicotine?", "about_you")
    expects_complete_result: Answer | None = question(
        "Are you hoping one treatment will remove your scars, lines or marks completely?", "about_you",
        "Microneedling usually improves skin gradually over several sessions.",
    )

    # --- pregnancy -----------------------------------------------------------------------------------------
    pregnant: Answer | None = question("Are you pregnant, or could you be?", "pregnancy")
    breastfeeding: Answer | None = question("Are you breastfeeding?", "pregnancy")

    # --- skin today ----------------------------------------------------------------------------------------
    acne_inflamed: Answer | None = question(
        _in_area("Do you have red, sore or pus-filled spots, lumps or cysts (active acne)"), "skin_today")
    acne_comedonal: Answer | None = question(
        _in_area("Do you have blackheads, whiteheads or small bumps that are not red or sore"), "skin_today")
    cold_sore_now: Answer | None = question(_in_area("Do you have a cold sore now"), "skin_today")
    skin_infection: Answer | None = question(
        "Do you have a skin infection now (for example impetigo, folliculitis or a fungal rash)?", "skin_today")
    open_wounds: Answer | None = question(
        _in_area("Do you have open wounds, cuts, sores or irritated skin"), "skin_today")
    warts: Answer | None = question(_in_area("Do you have warts"), "skin_today")
    eczema: Answer | None = question("Have you ever had eczema or dermatitis?", "skin_today")
    eczema_flaring: Answer | None = question(
        "Is your eczema or dermatitis flaring in the area you want treated right now?", "skin_today",
        enable_when={"eczema": YES})
    psoriasis: Answer | None = question("Have you ever had psoriasis?", "skin_today")
    psoriasis_in_area: Answer | None = question(
        "Is there a psoriasis patch in the area you want treated right now?", "skin_today",
        enable_when={"psoriasis": YES})
    rosacea: Answer | None = question("Do you have rosacea?", "skin_today")
    rosacea_active: Answer | None = question(
        "Do you have rosacea bumps or pus spots at the moment?", "skin_today", enable_when={"rosacea": YES})
    vitiligo: Answer | None = question("Do you have vitiligo (patches of skin that have lost colour)?",
                                       "skin_today")
    melasma: Answer | None = question(
        "Do you have melasma (brown or grey-brown patches, often on the cheeks, forehead or upper lip)?",
        "skin_today")
    melasma_areas: tuple[Area, ...] = Field(
        default=(), title="Where is the melasma?", max_length=len(Area),
        description="Choose every area where you have melasma.",
        json_schema_extra={"topic": "skin_today", "enable_when": {"melasma": list[JsonValue](YES)},
                           "uniqueItems": True},
    )

    @field_validator("melasma_areas")
    @classmethod
    def _each_area_once(cls, areas: tuple[Area, ...]) -> tuple[Area, ...]:
        if len(set(areas)) != len(areas):
            raise ValueError("the same area is listed twice")
        return areas
    skin_cancer: Answer | None = question(_in_area("Do you have skin cancer"), "skin_today")
    suspicious_lesion: Answer | None = question(
        _in_area("Do you have a mole that has changed, a growth nobody has checked, or rough scaly patches"),
        "skin_today")
    tattoo_in_area: Answer | None = question(
        "Do you have a tattoo or permanent make-up in the area you want treated?", "skin_today")

    # --- skin history -------------------------------------------------------------------------------------
    cold_sore_history: Answer | None = question("Do you get cold sores from time to time?", "skin_history")
    keloid: Answer | None = question(
        "Have you ever had a keloid (a raised scar that grew beyond the original wound)?", "skin_history")
    hypertrophic_scarring: Answer | None = question(
        "Do your wounds heal with thick raised scars, or heal slowly or badly?", "skin_history")
    pih_history: Answer | None = question(
        "Has your skin ever stayed darker for weeks after a spot, cut, burn or treatment?", "skin_history")

    # --- medicines and supplements ---------------------------------------------------------------------------
    isotretinoin: IsotretinoinUse | None = question(
        "Have you taken isotretinoin tablets (Roaccutane, Accutane, Absorica) in the last 12 months?",
        "medicines", "Answer 'current' if you take it now, 'past' if you have stopped.")
    isotretinoin_last_dose: dt.date | None = question(
        "When did you take your last isotretinoin dose?", "medicines",
        enable_when={"isotretinoin": [IsotretinoinUse.PAST.value]})
    retinoid: Answer | None = question(
        "In the last 2 weeks, have you used a retinoid or retinol cream (tretinoin, adapalene, tazarotene, "
        "retinol)?", "medicines")
    retinoid_last_use: dt.date | None = question(
        "When did you last use it?", "medicines", "Leave blank if you still use it.",
        enable_when={"retinoid": YES}, blank_means="still_using")
    exfoliant_acids: Answer | None = question(
        "In the last week, have you used acids (AHA, BHA, glycolic, salicylic) or scrubs on your skin?",
        "medicines")
    exfoliant_acids_last_use: dt.date | None = question(
        "When did you last use them?", "medicines", "Leave blank if you still use them.",
        enable_when={"exfoliant_acids": YES}, blank_means="still_using")
    benzoyl_peroxide: Answer | None = question(
        "In the last 2 weeks, have you used benzoyl peroxide (an acne wash or gel)?", "medicines")
    benzoyl_peroxide_last_use: dt.date | None = question(
        "When did you last use it?", "medicines", "Leave blank if you still use it.",
        enable_when={"benzoyl_peroxide": YES}, blank_means="still_using")
    anticoagulant: Answer | None = question(
        "Do you take a prescribed blood thinner (for example warfarin, apixaban, rivaroxaban, clopidogrel or "
        "prescribed aspirin)?", "medicines", "Never stop a prescribed medicine without your prescriber.")
    nsaid: Answer | None = question(
        "In the last week, have you taken anti-inflammatory painkillers that were not prescribed (for example "
        "ibuprofen or naproxen)?", "medicines")
    nsaid_last_use: dt.date | None = question(
        "When did you last take one?", "medicines", "Leave blank if you still take them.",
        enable_when={"nsaid": YES}, blank_means="still_using")
    aspirin: Answer | None = question(
        "In the last 2 weeks, have you taken aspirin that was not prescribed?", "medicines")
    aspirin_last_use: dt.date | None = question(
        "When did you last take it?", "medicines", "Leave blank if you still take it.",
        enable_when={"aspirin": YES}, blank_means="still_using")
    supplements: Answer | None = question(
        "In the last week, have you taken fish oil, vitamin E, ginkgo, St John's wort, garlic or ginseng "
        "supplements?", "medicines")
    supplements_last_use: dt.date | None = question(
        "When did you last take them?", "medicines", "Leave blank if you still take them.",
        enable_when={"supplements": YES}, blank_means="still_using")
    photosensitising_medication: Answer | None = question(
        "Do you take a medicine that makes your skin sensitive to the sun (for example doxycycline)?",
        "medicines")

    # --- recent treatments and sun ------------------------------------------------------------------------------
    chemical_peel: PeelDepth | None = question(
        "Have you had a chemical peel in the last 3 months?", "recent",
        "A superficial peel is a light 'lunchtime' peel; medium or deep peels cause days of peeling.")
    chemical_peel_date: dt.date | None = question(
        "When was the peel?", "recent",
        enable_when={"chemical_peel": [PeelDepth.SUPERFICIAL.value, PeelDepth.MEDIUM_DEEP.value]})
    ablative_resurfacing: Answer | None = question(
        "In the last 3 months, have you had laser resurfacing, dermabrasion or surgery in the area?", "recent")
    ablative_resurfacing_date: dt.date | None = question(
        "When was it?", "recent", enable_when={"ablative_resurfacing": YES})
    nonablative_laser: Answer | None = question(
        "In the last 4 weeks, have you had a gentle (non-ablative) laser or IPL treatment?", "recent")
    nonablative_laser_date: dt.date | None = question(
        "When was it?", "recent", enable_when={"nonablative_laser": YES})
    hair_removal: Answer | None = question(
        "In the last 2 weeks, have you had waxing, hair-removal cream, electrolysis or laser hair removal in the "
        "area?", "recent")
    hair_removal_date: dt.date | None = question(
        "When was it?", "recent", enable_when={"hair_removal": YES})
    botulinum_toxin: ToxinSite | None = question(
        "Have you had anti-wrinkle injections (botulinum toxin, e.g. Botox) in your face in the last 6 months?",
        "recent")
    botulinum_toxin_date: dt.date | None = question(
        "When were the injections?", "recent",
        enable_when={"botulinum_toxin": [ToxinSite.ELSEWHERE_FACE.value, ToxinSite.TREATMENT_AREA.value]})
    dermal_filler: Answer | None = question(
        "Have you had dermal filler in your face in the last 12 months?", "recent")
    dermal_filler_date: dt.date | None = question(
        "When was the filler?", "recent", enable_when={"dermal_filler": YES})
    unknown_injectable: Answer | None = question(
        "Have you ever had something injected in the area when you do not know what it was?", "recent")
    facial_surgery: Answer | None = question(
        "In the last 12 months, have you had facial surgery (such as a facelift or eyelid surgery) or do you "
        "have new surgical scars?", "recent")
    facial_surgery_date: dt.date | None = question(
        "When was the surgery?", "recent", enable_when={"facial_surgery": YES})
    sunburn: Answer | None = question("Have you been sunburnt in the last 2 weeks?", "recent")
    sunburn_date: dt.date | None = question("When were you sunburnt?", "recent", enable_when={"sunburn": YES})
    tan: Answer | None = question("Have you tanned in the sun or used a sunbed in the last 4 weeks?", "recent")
    tan_date: dt.date | None = question("When did you last tan?", "recent", enable_when={"tan": YES})
    self_tanner: Answer | None = question(
        "Have you used fake tan, self-tanner or a spray tan in the last 4 weeks?", "recent")
    self_tanner_date: dt.date | None = question(
        "When did you last use it?", "recent", enable_when={"self_tanner": YES})

    # --- health conditions ------------------------------------------------------------------------------------
    bleeding_disorder: Answer | None = question(
        "Do you have a bleeding or clotting disorder (for example haemophilia or von Willebrand disease)?",
        "health")
    diabetes: Diabetes | None = question("Do you have diabetes?", "health",
                                         "Controlled means your diabetes team is happy with your levels.")
    immunosuppressed: Answer | None = question(
        "Is your immune system weakened by a condition (such as HIV) or by medicines (such as transplant drugs "
        "or high-dose steroids)?", "health")
    chemo_or_radiotherapy: Answer | None = question(
        "Are you having, or about to have, chemotherapy or radiotherapy?", "health")
    radiotherapy_to_area: Answer | None = question(
        "Have you had radiotherapy to the area you want treated in the past?", "health")
    radiotherapy_end_date: dt.date | None = question(
        "When did that radiotherapy end?", "health", enable_when={"radiotherapy_to_area": YES})
    scleroderma: Answer | None = question(
        "Do you have scleroderma or another collagen vascular disease?", "health")
    autoimmune: Answer | None = question(
        "Do you have lupus, rheumatoid arthritis or another autoimmune disease, or take treatment for one?",
        "health")
    autoimmune_flare: Answer | None = question(
        "Is it flaring in the skin of the area you want treated right now?", "health",
        enable_when={"autoimmune": YES})
    steel_allergy: Answer | None = question("Are you allergic to stainless steel?", "health")
    nickel_allergy: Answer | None = question("Are you allergic to nickel (for example cheap jewellery)?",
                                             "health")
    gold_allergy: Answer | None = question("Are you allergic to gold?", "health")
    anaesthetic_allergy: Answer | None = question(
        "Are you allergic to lidocaine or numbing creams?", "health")
    implanted_device: Answer | None = question(
        "Do you have a pacemaker, defibrillator (ICD) or another implanted electronic device?", "health")
    metal_implants_in_area: Answer | None = question(
        "Do you have metal implants (plates, screws) under the skin of the area you want treated?", "health")

    # --- what to treat ---------------------------------------------------------------------------------------
    setting: Setting = Field(title="Where will the treatment happen?", json_schema_extra={"topic": "request"})
    modality: Modality = Field(
        default=Modality.MECHANICAL, title="Which kind of microneedling?",
        description="Mechanical: a pen, roller or stamp. RF: microneedling with radiofrequency energy.",
        json_schema_extra={"topic": "request"})
    treatments: tuple[TreatmentRequest, ...] = Field(
        title="What would you like treated, and where?", min_length=1, max_length=MAX_TREATMENTS,
        json_schema_extra={"topic": "request", "uniqueItems": True})

    # --- dates -------------------------------------------------------------------------------------------------
    screening_date: dt.date = Field(
        default_factory=dt.date.today, title="Date of this pre-screen",
        json_schema_extra={"topic": "appointment"})
    appointment_date: dt.date | None = question(
        "When is your appointment, if you have one?", "appointment",
        "Leave blank if you have not booked yet.")

    @model_validator(mode="after")
    def _answers_agree(self, info: ValidationInfo) -> Intake:
        """Answers that contradict each other are refused, never silently dropped (clinical-rules.md §1a);
        each message names the fields involved and never their values. An intake stored before these checks
        (context {"stored": True}) is read as it was accepted then."""
        errors: list[str] = []
        today = self.screening_date
        stored = bool(info.context and info.context.get("stored"))
        answers = self.__dict__  # the validated values (iterating the model itself is several times slower)
        for name in _DATE_FIELDS:
            value = answers[name]
            if not isinstance(value, dt.date):
                continue
            if value > today:
                errors.append(f"{name}: this date is after the date of the pre-screen (screening_date); "
                              "it must be on or before it")
            elif value < OLDEST_DATE:
                errors.append(f"{name}: this date is too long ago")
        if self.appointment_date is not None and self.appointment_date < today:
            errors.append("appointment_date: the appointment is before the date of the pre-screen (screening_date)")
        if self.date_of_birth is not None:
            years = age_on(self.date_of_birth, today)
            if years > 120:
                errors.append("date_of_birth: this date of birth gives an age over 120")
            elif self.age is not None and (years != self.age if not stored else abs(years - self.age) > 1):
                errors.append("age: your age does not match your date of birth")
        if not stored:
            for name, parents in unasked_follow_ups(answers):
                asked_by = " or ".join(parents)
                errors.append(f"{name}: answered although your answer to {asked_by} does not ask it; remove "
                              f"this answer or change {asked_by}")
        if len(set(self.treatments)) != len(self.treatments):
            errors.append("treatments: the same area and concern are listed twice")
        if errors:
            raise ValueError("; ".join(errors))
        return self

    @property
    def reference_date(self) -> dt.date:
        """Waits are counted to the appointment when there is one, else to the screening date (spec §1)."""
        return self.appointment_date or self.screening_date

    @property
    def age_years(self) -> int | None:
        if self.date_of_birth is not None:
            return age_on(self.date_of_birth, self.screening_date)
        return self.age


def _follow_up_parents() -> dict[str, dict[str, list[str]]]:
    return {name: dict(field_meta(name)["enable_when"]) for name in Intake.model_fields
            if field_meta(name).get("enable_when")}


def _answered(value: Any) -> bool:
    return value is not None and value != ()


def unasked_follow_ups(answers: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """The follow-ups answered although no parent answer asks them, each with its parents' names; `answers`
    maps field names to values (enum members or their text)."""
    found = []
    for name, parents in _FOLLOW_UPS.items():
        if not _answered(answers.get(name)):
            continue
        if not any(_text(answers.get(parent)) in values for parent, values in parents.items()):
            found.append((name, tuple(parents)))
    return found


def _text(value: Any) -> Any:
    return getattr(value, "value", value)


def _date_fields() -> tuple[str, ...]:
    """The intake's date fields that must lie in the past, in the form's order."""
    def is_date(annotation: Any) -> bool:
        return annotation is dt.date or dt.date in getattr(annotation, "__args__", ())
    return tuple(name for name, info in Intake.model_fields.items()
                 if is_date(info.annotation) and name not in ("screening_date", "appointment_date"))


_DATE_FIELDS = _date_fields()
_FOLLOW_UPS: dict[str, dict[str, list[str]]] = {}  # filled below, once field_meta exists


def age_on(born: dt.date, on: dt.date) -> int:
    """Whole years of age on a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def field_meta(name: str) -> dict[str, Any]:
    """The question metadata (topic, enable_when, blank_means) of an intake field."""
    extra = Intake.model_fields[name].json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


_FOLLOW_UPS.update(_follow_up_parents())


def parse_intake(data: Any, *, stored: bool = False) -> Intake:
    """Parse JSON text, bytes or JSON-like Python data in JSON mode: strict types, ISO dates, enum values.

    stored: an intake read back from storage, accepted under the checks of its day (see Intake._answers_agree)."""
    import json

    context = {"stored": True} if stored else None
    if isinstance(data, (str, bytes, bytearray)):
        return Intake.model_validate_json(data, context=context)
    try:
        text = json.dumps(data, default=str)
    except (RecursionError, TypeError, ValueError):  # too deep, circular, or keys that are not text
        raise ValidationError.from_exception_data("Intake", [{
            "type": "json_invalid", "loc": (), "input": "",
            "ctx": {"error": "not JSON data (too deeply nested, circular, or with keys that are not text)"}}]) from None
    return Intake.model_validate_json(text, context=context)


# The model validator joins its errors with "; ", each starting "<field>: "; a message may contain "; " too.
_BETWEEN_ERRORS = re.compile("; (?=(?:" + "|".join(map(re.escape, Intake.model_fields)) + "): )")


def field_errors(error: Any, data: Any = None) -> list[dict[str, str]]:
    """A pydantic ValidationError as [{field, message}], never echoing the patient's input, nor the name of a
    field that is not in the model (`data`, the parsed input, gives its position)."""
    out: list[dict[str, str]] = []
    for item in error.errors(include_input=False, include_url=False):
        where, message = (unknown_field(item["loc"], data) if is_unknown_field(item)
                          else (item["loc"], str(item["msg"])))
        loc = ".".join(str(p) for p in where)
        if not loc and message.startswith("Value error, "):
            for part in _BETWEEN_ERRORS.split(message.removeprefix("Value error, ")):
                name, _, text = part.partition(": ")
                out.append({"field": name, "message": text or part})
            continue
        out.append({"field": loc or "(intake)", "message": message})
    return out
