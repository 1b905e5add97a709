"""The intake's fields: every answer a patient can give, each one a question, validated on its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

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
from .questions import MAX_TREATMENTS, YES, in_area, question


class TreatmentRequest(BaseModel):
    """One area the patient wants treated, and what for."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    area: Area = Field(title="Which area?")
    concern: Concern = Field(title="What would you like to improve there?")


class IntakeFields(BaseModel):
    """Every answer of one pre-screen, each field on its own (Intake adds the checks across fields)."""

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
        in_area("Do you have red, sore or pus-filled spots, lumps or cysts (active acne)"), "skin_today")
    acne_comedonal: Answer | None = question(
        in_area("Do you have blackheads, whiteheads or small bumps that are not red or sore"), "skin_today")
    cold_sore_now: Answer | None = question(in_area("Do you have a cold sore now"), "skin_today")
    skin_infection: Answer | None = question(
        "Do you have a skin infection now (for example impetigo, folliculitis or a fungal rash)?", "skin_today")
    open_wounds: Answer | None = question(
        in_area("Do you have open wounds, cuts, sores or irritated skin"), "skin_today")
    warts: Answer | None = question(in_area("Do you have warts"), "skin_today")
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
    skin_cancer: Answer | None = question(in_area("Do you have skin cancer"), "skin_today")
    suspicious_lesion: Answer | None = question(
        in_area("Do you have a mole that has changed, a growth nobody has checked, or rough scaly patches"),
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


def field_meta(name: str) -> dict[str, Any]:
    """The question metadata (topic, enable_when, blank_means) of an intake field."""
    extra = IntakeFields.model_fields[name].json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}

