"""One example per row of the factor table in clinical-rules.md §2, with the spec's outcome, wait and instruction.

Every case starts from a clean intake (all safety answers "no", age 35, skin type II, mechanical at a clinic,
cheeks for rejuvenation, screened on 2026-03-01) and changes only what the row is about. Expected dates are
the spec's arithmetic: calendar months, weeks of 7 days, counted from the date the patient gave.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.common.minimal import SAFETY_NO

from suitability import Intake, Screener, screen
from suitability.decision import Decision, Finding
from suitability.intake.facts import FIELDS
from suitability.vocabulary import Outcome

SCREENING = dt.date(2026, 3, 1)

# Every top-level safety question (follow-ups are only asked when their parent is "yes").
SAFETY_ANSWERS_NO = SAFETY_NO  # every top-level question, derived from the intake model


def clean_intake(**overrides: Any) -> Intake:
    """A patient with nothing to find: every safety answer "no", plus the given overrides (None removes)."""
    data: dict[str, Any] = {name: "no" for name in SAFETY_ANSWERS_NO}
    data.update(
        age=35, fitzpatrick="II", setting="clinic", modality="mechanical",
        treatments=[{"area": "cheeks", "concern": "rejuvenation"}],
        screening_date=SCREENING.isoformat(),
    )
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return Intake.model_validate_json(json.dumps(data))


def finding(decision: Decision, rule_id: str) -> Finding:
    matches = [f for f in decision.findings if f.rule_id == rule_id]
    assert matches, f"{rule_id} not among {[f.rule_id for f in decision.findings]}"
    return matches[0]


def instruction_ids(decision: Decision) -> set[str]:
    return {i.id for i in decision.instructions}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


NS, DEFER, REVIEW, SWP = (Outcome.NOT_SUITABLE, Outcome.DEFER, Outcome.REVIEW, Outcome.SUITABLE_WITH_PRECAUTIONS)

# (case id, intake overrides, spec outcome, rule id, earliest date or None, key instruction ids)
ROWS: list[tuple[str, dict[str, Any], Outcome, str, dt.date | None, tuple[str, ...]]] = [
    ("pregnant", {"pregnant": "yes"}, NS, "pregnant", None, ()),
    ("breastfeeding", {"breastfeeding": "yes"}, NS, "breastfeeding", None, ()),
    ("acne-inflamed", {"acne_inflamed": "yes"}, DEFER, "acne-inflamed", None, ("X-ACNE",)),
    ("acne-comedonal", {"acne_comedonal": "yes"}, DEFER, "acne-comedonal", None, ()),
    ("cold-sore-active", {"cold_sore_now": "yes"}, DEFER, "cold-sore-active", None, ("P2",)),
    ("cold-sore-history", {"cold_sore_history": "yes"}, SWP, "cold-sore-history", None, ("P2",)),
    ("skin-infection", {"skin_infection": "yes"}, DEFER, "skin-infection", None, ()),
    ("eczema-flaring", {"eczema": "yes", "eczema_flaring": "yes"}, DEFER, "eczema-flaring", None, ()),
    ("eczema-history", {"eczema": "yes", "eczema_flaring": "no"}, REVIEW, "eczema-history", None, ()),
    ("psoriasis-in-area", {"psoriasis": "yes", "psoriasis_in_area": "yes"}, DEFER, "psoriasis-in-area", None, ()),
    ("psoriasis-other", {"psoriasis": "yes", "psoriasis_in_area": "no"}, REVIEW, "psoriasis-other", None, ()),
    ("rosacea-active", {"rosacea": "yes", "rosacea_active": "yes"}, DEFER, "rosacea-active", None, ()),
    ("rosacea-other", {"rosacea": "yes", "rosacea_active": "no"}, REVIEW, "rosacea-other", None, ()),
    ("vitiligo", {"vitiligo": "yes"}, REVIEW, "vitiligo", None, ("X-VITILIGO",)),
    ("warts", {"warts": "yes"}, DEFER, "warts", None, ()),
    ("open-wounds", {"open_wounds": "yes"}, DEFER, "open-wounds", None, ()),
    ("skin-cancer", {"skin_cancer": "yes"}, NS, "skin-cancer", None, ()),
    ("suspicious-lesion", {"suspicious_lesion": "yes"}, REVIEW, "suspicious-lesion", None, ("X-LESION",)),
    ("keloid", {"keloid": "yes"}, NS, "keloid", None, ()),
    ("hypertrophic-scarring", {"hypertrophic_scarring": "yes"}, REVIEW, "hypertrophic-scarring", None, ()),
    ("isotretinoin-current", {"isotretinoin": "current"}, NS, "isotretinoin-current", None, ("X-ISO-DATE",)),
    # 15 Nov 2025 + 6 calendar months = 15 May 2026
    ("isotretinoin-past", {"isotretinoin": "past", "isotretinoin_last_dose": "2025-11-15"}, DEFER,
     "isotretinoin-past", d("2026-05-15"), ()),
    # still in use (blank date): 10 days from the screening date
    ("retinoid-in-use", {"retinoid": "yes"}, SWP, "retinoid", d("2026-03-11"), ("P3",)),
    ("retinoid-stopped", {"retinoid": "yes", "retinoid_last_use": "2026-02-25"}, SWP, "retinoid",
     d("2026-03-07"), ("P3",)),
    ("exfoliant-acids", {"exfoliant_acids": "yes", "exfoliant_acids_last_use": "2026-02-27"}, SWP,
     "exfoliant-acids", d("2026-03-06"), ("P4",)),
    ("benzoyl-peroxide", {"benzoyl_peroxide": "yes", "benzoyl_peroxide_last_use": "2026-02-27"}, SWP,
     "benzoyl-peroxide", d("2026-03-09"), ("P4-BPO",)),
    ("peel-superficial", {"chemical_peel": "superficial", "chemical_peel_date": "2026-02-15"}, DEFER,
     "peel-superficial", d("2026-03-17"), ()),
    ("peel-medium-deep", {"chemical_peel": "medium_deep", "chemical_peel_date": "2026-01-10"}, DEFER,
     "peel-medium-deep", d("2026-04-10"), ()),
    # 31 Jan + 3 calendar months = 30 Apr (the month is shorter)
    ("ablative-resurfacing", {"ablative_resurfacing": "yes", "ablative_resurfacing_date": "2026-01-31"}, DEFER,
     "ablative-resurfacing", d("2026-04-30"), ()),
    ("nonablative-laser", {"nonablative_laser": "yes", "nonablative_laser_date": "2026-02-20"}, DEFER,
     "nonablative-laser", d("2026-03-20"), ()),
    ("hair-removal", {"hair_removal": "yes", "hair_removal_date": "2026-02-25"}, DEFER, "hair-removal",
     d("2026-03-11"), ("P11",)),
    ("toxin-treatment-area", {"botulinum_toxin": "treatment_area", "botulinum_toxin_date": "2025-10-01"}, DEFER,
     "toxin-treatment-area", d("2026-04-01"), ()),
    ("toxin-elsewhere-face", {"botulinum_toxin": "elsewhere_face", "botulinum_toxin_date": "2025-12-31"}, DEFER,
     "toxin-elsewhere-face", d("2026-03-31"), ()),
    ("dermal-filler", {"dermal_filler": "yes", "dermal_filler_date": "2025-06-15"}, DEFER, "dermal-filler",
     d("2026-06-15"), ()),
    ("unknown-injectable", {"unknown_injectable": "yes"}, NS, "unknown-injectable", None, ()),
    ("facial-surgery", {"facial_surgery": "yes", "facial_surgery_date": "2025-08-29"}, DEFER, "facial-surgery",
     d("2026-08-29"), ()),
    ("sunburn", {"sunburn": "yes", "sunburn_date": "2026-02-20"}, DEFER, "sunburn", d("2026-03-06"), ("P5-SUN",)),
    ("tan", {"tan": "yes", "tan_date": "2026-02-10"}, DEFER, "tan", d("2026-03-10"), ("P5",)),
    ("self-tanner", {"self_tanner": "yes", "self_tanner_date": "2026-02-14"}, DEFER, "self-tanner",
     d("2026-03-14"), ("P6",)),
    ("bleeding-disorder", {"bleeding_disorder": "yes"}, NS, "bleeding-disorder", None, ()),
    ("anticoagulant", {"anticoagulant": "yes"}, REVIEW, "anticoagulant", None, ("P8",)),
    ("nsaid", {"nsaid": "yes", "nsaid_last_use": "2026-02-27"}, SWP, "nsaid", d("2026-03-06"), ("P7",)),
    ("aspirin", {"aspirin": "yes", "aspirin_last_use": "2026-02-27"}, SWP, "aspirin", d("2026-03-13"), ("P7-ASA",)),
    ("supplements", {"supplements": "yes", "supplements_last_use": "2026-02-26"}, SWP, "supplements",
     d("2026-03-05"), ("P9",)),
    ("immunosuppressed", {"immunosuppressed": "yes"}, NS, "immunosuppressed", None, ()),
    ("chemo-or-radiotherapy", {"chemo_or_radiotherapy": "yes"}, NS, "chemo-or-radiotherapy", None, ()),
    # ended 15 Jan 2026: defer to 15 Apr 2026 (then review)
    ("radiotherapy-area-recent", {"radiotherapy_to_area": "yes", "radiotherapy_end_date": "2026-01-15"}, DEFER,
     "radiotherapy-area-recent", d("2026-04-15"), ()),
    ("radiotherapy-area-review", {"radiotherapy_to_area": "yes", "radiotherapy_end_date": "2025-06-01"}, REVIEW,
     "radiotherapy-area-review", None, ()),
    ("diabetes-uncontrolled", {"diabetes": "uncontrolled"}, NS, "diabetes-uncontrolled", None, ()),
    ("diabetes-controlled", {"diabetes": "controlled"}, NS, "diabetes-controlled", None, ()),
    ("scleroderma", {"scleroderma": "yes"}, NS, "scleroderma", None, ()),
    ("autoimmune", {"autoimmune": "yes", "autoimmune_flare": "no"}, REVIEW, "autoimmune", None, ()),
    ("autoimmune-flare", {"autoimmune": "yes", "autoimmune_flare": "yes"}, DEFER, "autoimmune-flare", None, ()),
    ("steel-allergy", {"steel_allergy": "yes"}, NS, "steel-allergy", None, ()),
    ("nickel-allergy", {"nickel_allergy": "yes"}, NS, "nickel-allergy", None, ("X-NICKEL",)),
    ("gold-allergy-rf", {"gold_allergy": "yes", "modality": "rf"}, NS, "gold-allergy-rf", None, ()),
    ("anaesthetic-allergy", {"anaesthetic_allergy": "yes"}, NS, "anaesthetic-allergy", None, ()),
    ("implanted-device-rf", {"implanted_device": "yes", "modality": "rf"}, NS, "implanted-device-rf", None, ()),
    ("implanted-device-mechanical", {"implanted_device": "yes"}, NS, "implanted-device-mechanical", None, ()),
    ("metal-implants-rf", {"metal_implants_in_area": "yes", "modality": "rf"}, NS, "metal-implants-rf", None, ()),
    ("rf-at-home", {"setting": "home", "modality": "rf"}, NS, "rf-at-home", None, ()),
    ("home-device", {"setting": "home"}, SWP, "home-device", None, ("X-HOME",)),
    ("rf-at-clinic", {"modality": "rf"}, SWP, "rf-at-clinic", None, ()),
    ("fitzpatrick-iv", {"fitzpatrick": "IV"}, REVIEW, "fitzpatrick-iv-to-vi", None, ("P13",)),
    ("fitzpatrick-v", {"fitzpatrick": "V"}, REVIEW, "fitzpatrick-iv-to-vi", None, ("P13",)),
    ("fitzpatrick-vi", {"fitzpatrick": "VI"}, REVIEW, "fitzpatrick-iv-to-vi", None, ("P13",)),
    ("pih-history", {"pih_history": "yes"}, REVIEW, "pih-history", None, ()),
    ("melasma", {"melasma": "yes", "melasma_areas": ["cheeks"]}, REVIEW, "melasma", None, ("X-MELASMA",)),
    ("age-under-18", {"age": 17}, NS, "age-under-18", None, ()),
    ("age-18", {"age": 18}, REVIEW, "age-18-to-21", None, ()),
    ("age-21", {"age": 21}, REVIEW, "age-18-to-21", None, ()),
    ("smoker", {"smoker": "yes"}, SWP, "smoker", None, ("X-SMOKE", "A11")),
    ("tattoo-in-area", {"tattoo_in_area": "yes"}, SWP, "tattoo-in-area", None, ("X-TATTOO",)),
    ("photosensitising-medication", {"photosensitising_medication": "yes"}, REVIEW, "photosensitising-medication",
     None, ()),
    ("unrealistic-expectations", {"expects_complete_result": "yes"}, REVIEW, "unrealistic-expectations", None, ()),
]


def test_a_clean_intake_is_suitable_with_the_general_instructions() -> None:
    decision = screen(clean_intake())
    assert decision.outcome is Outcome.SUITABLE
    assert decision.findings == ()
    assert decision.earliest_date is None
    general = {"P1", "P14", "P15", "P16", *(f"A{n}" for n in range(1, 15))}
    assert instruction_ids(decision) == general


@pytest.mark.parametrize(("overrides", "outcome", "rule_id", "earliest", "instructions"),
                         [pytest.param(*row[1:], id=row[0]) for row in ROWS])
def test_factor_row(overrides: dict[str, Any], outcome: Outcome, rule_id: str, earliest: dt.date | None,
                    instructions: tuple[str, ...]) -> None:
    decision = screen(clean_intake(**overrides))
    assert decision.outcome is outcome
    assert finding(decision, rule_id).outcome is outcome
    assert decision.earliest_date == earliest
    if earliest is not None:
        assert finding(decision, rule_id).wait_until == earliest
    if outcome is Outcome.DEFER and earliest is None:
        assert decision.wait_for, "a deferral without a date must say what to wait for"
    assert set(instructions) <= instruction_ids(decision)


def test_every_factor_rule_has_an_example() -> None:
    """Each rule of the topic files (not depth, not unknown answers) is exercised by a row above."""
    ruleset = Screener.from_directory().ruleset
    factor_rules = {r.id for r in ruleset.matchable
                    if r.file not in ("depth.yaml", "unknown-answers.yaml") and not r.id.endswith("-missing")}
    assert factor_rules <= {row[3] for row in ROWS}


def test_sunburn_also_waits_until_healed() -> None:
    decision = screen(clean_intake(sunburn="yes", sunburn_date="2026-02-20"))
    assert decision.earliest_date == d("2026-03-06")
    assert finding(decision, "sunburn").wait_for


def test_radiotherapy_within_three_months_defers_and_reviews() -> None:
    decision = screen(clean_intake(radiotherapy_to_area="yes", radiotherapy_end_date="2026-01-15"))
    assert {"radiotherapy-area-recent", "radiotherapy-area-review"} <= {f.rule_id for f in decision.findings}


def test_gold_allergy_and_metal_implants_do_not_matter_for_mechanical() -> None:
    decision = screen(clean_intake(gold_allergy="yes", metal_implants_in_area="yes"))
    assert decision.outcome is Outcome.SUITABLE


def test_age_22_is_suitable() -> None:
    assert screen(clean_intake(age=22)).outcome is Outcome.SUITABLE


@pytest.mark.parametrize("skin_type", ["I", "II", "III"])
def test_skin_types_i_to_iii_need_nothing(skin_type: str) -> None:
    assert screen(clean_intake(fitzpatrick=skin_type)).outcome is Outcome.SUITABLE


# --- waits ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "rule_id"), [
    pytest.param({"isotretinoin": "past", "isotretinoin_last_dose": "2025-08-01"}, "isotretinoin-past",
                 id="isotretinoin-7-months-ago"),
    pytest.param({"isotretinoin": "past", "isotretinoin_last_dose": "2025-09-01"}, "isotretinoin-past",
                 id="isotretinoin-exactly-6-months-ago"),
    pytest.param({"chemical_peel": "superficial", "chemical_peel_date": "2026-01-30"}, "peel-superficial",
                 id="peel-30-days-ago"),
    pytest.param({"tan": "yes", "tan_date": "2026-02-01"}, "tan", id="tan-4-weeks-ago"),
    pytest.param({"dermal_filler": "yes", "dermal_filler_date": "2025-03-01"}, "dermal-filler",
                 id="filler-12-months-ago"),
])
def test_a_wait_that_has_passed_adds_nothing(overrides: dict[str, Any], rule_id: str) -> None:
    decision = screen(clean_intake(**overrides))
    assert rule_id not in {f.rule_id for f in decision.findings}
    assert decision.outcome is Outcome.SUITABLE
    assert decision.earliest_date is None


@pytest.mark.parametrize(("overrides", "rule_id", "instruction"), [
    pytest.param({"retinoid": "yes", "retinoid_last_use": "2026-02-19"}, "retinoid", "P3", id="retinoid-10-days-ago"),
    pytest.param({"aspirin": "yes", "aspirin_last_use": "2026-02-15"}, "aspirin", "P7-ASA", id="aspirin-14-days-ago"),
    pytest.param({"nsaid": "yes", "nsaid_last_use": "2026-02-08"}, "nsaid", "P7", id="nsaid-3-weeks-ago"),
])
def test_a_precaution_whose_wait_has_passed_still_stands_with_its_instructions(
        overrides: dict[str, Any], rule_id: str, instruction: str) -> None:
    # clinical-rules.md §1: the passed wait adds nothing to the date, but the precaution and its pause stand
    decision = screen(clean_intake(**overrides))
    assert rule_id in {f.rule_id for f in decision.findings}
    assert decision.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS
    assert decision.earliest_date is None
    assert instruction in {i.id for i in decision.instructions}


def test_exactly_six_months_after_isotretinoin_is_the_earliest_date() -> None:
    # 1 Sep 2025 + 6 months = 1 Mar 2026, the screening date: the wait has ended
    decision = screen(clean_intake(isotretinoin="past", isotretinoin_last_dose="2025-09-01"))
    assert decision.outcome is Outcome.SUITABLE
    # one day later, it has not
    decision = screen(clean_intake(isotretinoin="past", isotretinoin_last_dose="2025-09-02"))
    assert decision.outcome is Outcome.DEFER
    assert decision.earliest_date == d("2026-03-02")


def test_the_earliest_date_is_the_latest_of_all_waits() -> None:
    decision = screen(clean_intake(
        tan="yes", tan_date="2026-02-10",                                   # -> 2026-03-10
        botulinum_toxin="treatment_area", botulinum_toxin_date="2025-10-01",  # -> 2026-04-01
        hair_removal="yes", hair_removal_date="2026-02-25",                 # -> 2026-03-11
    ))
    assert decision.outcome is Outcome.DEFER
    assert decision.earliest_date == d("2026-04-01")


@pytest.mark.parametrize(("overrides", "rule_id"), [
    pytest.param({"isotretinoin": "past"}, "isotretinoin-past-date-missing", id="isotretinoin"),
    pytest.param({"chemical_peel": "superficial"}, "peel-date-missing", id="peel-superficial"),
    pytest.param({"chemical_peel": "medium_deep"}, "peel-date-missing", id="peel-medium-deep"),
    pytest.param({"ablative_resurfacing": "yes"}, "ablative-resurfacing-date-missing", id="ablative"),
    pytest.param({"nonablative_laser": "yes"}, "nonablative-laser-date-missing", id="nonablative"),
    pytest.param({"hair_removal": "yes"}, "hair-removal-date-missing", id="hair-removal"),
    pytest.param({"botulinum_toxin": "treatment_area"}, "toxin-date-missing", id="toxin-area"),
    pytest.param({"botulinum_toxin": "elsewhere_face"}, "toxin-date-missing", id="toxin-elsewhere"),
    pytest.param({"dermal_filler": "yes"}, "dermal-filler-date-missing", id="filler"),
    pytest.param({"facial_surgery": "yes"}, "facial-surgery-date-missing", id="facial-surgery"),
    pytest.param({"sunburn": "yes"}, "sunburn-date-missing", id="sunburn"),
    pytest.param({"tan": "yes"}, "tan-date-missing", id="tan"),
    pytest.param({"self_tanner": "yes"}, "self-tanner-date-missing", id="self-tanner"),
    pytest.param({"radiotherapy_to_area": "yes"}, "radiotherapy-date-missing", id="radiotherapy"),
])
def test_a_dated_wait_without_its_date_needs_review(overrides: dict[str, Any], rule_id: str) -> None:
    decision = screen(clean_intake(**overrides))
    assert decision.outcome.severity >= Outcome.REVIEW.severity
    assert finding(decision, rule_id).outcome is Outcome.REVIEW


# --- the appointment date -------------------------------------------------------------------------------------

def test_an_appointment_after_the_wait_yields_no_deferral() -> None:
    # peel on 15 Feb: the 30-day wait ends 17 Mar, before the 20 Mar appointment
    decision = screen(clean_intake(chemical_peel="superficial", chemical_peel_date="2026-02-15",
                                   appointment_date="2026-03-20"))
    assert decision.outcome is Outcome.SUITABLE
    assert decision.earliest_date is None


def test_an_appointment_inside_the_wait_is_deferred_to_the_end_of_the_wait() -> None:
    decision = screen(clean_intake(chemical_peel="superficial", chemical_peel_date="2026-02-15",
                                   appointment_date="2026-03-10"))
    assert decision.outcome is Outcome.DEFER
    assert decision.earliest_date == d("2026-03-17")


def test_instructions_are_dated_from_the_appointment() -> None:
    appointment = d("2026-03-20")
    decision = screen(clean_intake(retinoid="yes", appointment_date=appointment.isoformat()))
    by_id = {i.id: i for i in decision.instructions}
    assert by_id["P3"].starts == appointment - dt.timedelta(days=10)     # stop retinoids 10 days before
    assert by_id["A3"].ends == appointment + dt.timedelta(days=3)        # no make-up for 72 h
    assert by_id["A5"].ends == appointment + dt.timedelta(days=28)       # SPF 30+ daily for 4 weeks
    assert by_id["A14"].ends == appointment + dt.timedelta(days=28)      # next session after 4 weeks
    assert "10 Mar" in by_id["P3"].text or "2026-03-10" in by_id["P3"].text


def test_without_an_appointment_instructions_are_not_dated() -> None:
    decision = screen(clean_intake(retinoid="yes"))
    p3 = next(i for i in decision.instructions if i.id == "P3")
    assert p3.starts is None and p3.days_before == 10


def test_instructions_are_ordered_before_day_of_after() -> None:
    decision = screen(clean_intake(retinoid="yes", tan="yes", tan_date="2026-02-20"))
    phases = [i.phase.value for i in decision.instructions]
    order = {"before": 0, "day_of": 1, "after": 2}
    assert phases == sorted(phases, key=order.__getitem__)
    before = [i for i in decision.instructions if i.phase.value == "before" and i.days_before]
    assert [i.days_before for i in before] == sorted((i.days_before or 0 for i in before), reverse=True)


# --- unknown is never safe ------------------------------------------------------------------------------------

CHOICE_QUESTIONS = sorted(n for n, f in FIELDS.items()
                          if f.kind == "choice" and f.topic not in ("*", "treatment") and "not_sure" in f.values)


def _with_parent(name: str, answer: str | None) -> dict[str, Any]:
    from suitability.intake import field_meta

    overrides: dict[str, Any] = {name: answer}
    for parent, values in (field_meta(name).get("enable_when") or {}).items():
        overrides[parent] = values[0]
    if name in ("gold_allergy", "metal_implants_in_area"):
        overrides["modality"] = "rf"  # these questions matter only for RF
    return overrides


@pytest.mark.parametrize("name", CHOICE_QUESTIONS)
def test_not_sure_is_never_safe(name: str) -> None:
    decision = screen(clean_intake(**_with_parent(name, "not_sure")))
    assert decision.outcome.severity >= Outcome.REVIEW.severity
    assert any(f.rule_id.startswith("unknown-") and f.outcome is Outcome.REVIEW for f in decision.findings)


@pytest.mark.parametrize("name", CHOICE_QUESTIONS)
def test_a_missing_answer_is_never_safe(name: str) -> None:
    decision = screen(clean_intake(**_with_parent(name, None)))
    assert decision.outcome.severity >= Outcome.REVIEW.severity


def test_a_missing_age_needs_review() -> None:
    decision = screen(clean_intake(age=None))
    assert decision.outcome is Outcome.REVIEW
    assert finding(decision, "unknown-age").outcome is Outcome.REVIEW


def test_a_follow_up_that_was_not_asked_is_not_unknown() -> None:
    # eczema "no": "is it flaring?" is never asked, so its blank answer must not send the patient to review
    assert screen(clean_intake(eczema="no")).outcome is Outcome.SUITABLE


def test_unknown_pregnancy_is_at_least_review_in_every_profile() -> None:
    standard = Screener.from_directory(profile="standard")
    for decision in (screen(clean_intake(pregnant="not_sure")),
                     screen(clean_intake(pregnant="not_sure"), screener=standard)):
        assert decision.outcome.severity >= Outcome.REVIEW.severity


# --- the less strict readings (the `standard` profile) --------------------------------------------------------

@pytest.fixture(scope="module")
def standard() -> Screener:
    return Screener.from_directory(profile="standard")


@pytest.mark.parametrize(("overrides", "rule_id", "outcome"), [
    pytest.param({"keloid": "yes"}, "keloid", REVIEW, id="keloid-review"),
    pytest.param({"acne_comedonal": "yes"}, "acne-comedonal", SWP, id="comedonal-precautions"),
    pytest.param({"diabetes": "controlled"}, "diabetes-controlled", REVIEW, id="controlled-diabetes-review"),
    pytest.param({"scleroderma": "yes"}, "scleroderma", REVIEW, id="scleroderma-review"),
    pytest.param({"nickel_allergy": "yes"}, "nickel-allergy", REVIEW, id="nickel-review"),
    pytest.param({"anaesthetic_allergy": "yes"}, "anaesthetic-allergy", REVIEW, id="anaesthetic-review"),
    pytest.param({"immunosuppressed": "yes"}, "immunosuppressed", REVIEW, id="immunosuppression-review"),
    pytest.param({"implanted_device": "yes"}, "implanted-device-mechanical", REVIEW, id="pacemaker-mechanical"),
    pytest.param({"implanted_device": "yes", "modality": "rf"}, "implanted-device-rf", NS, id="pacemaker-rf-stays"),
    pytest.param({"fitzpatrick": "V"}, "fitzpatrick-iv-to-vi", SWP, id="fitzpatrick-precautions"),
    pytest.param({"isotretinoin": "past", "isotretinoin_last_dose": "2025-11-15"}, "isotretinoin-past", REVIEW,
                 id="isotretinoin-past-review"),
    pytest.param({"pregnant": "yes"}, "pregnant", REVIEW, id="pregnancy-never-cleared"),
])
def test_standard_profile_takes_the_less_strict_reading(standard: Screener, overrides: dict[str, Any],
                                                        rule_id: str, outcome: Outcome) -> None:
    decision = screen(clean_intake(**overrides), screener=standard)
    assert decision.outcome is outcome
    assert finding(decision, rule_id).outcome is outcome


def test_standard_profile_shortens_disputed_waits(standard: Screener) -> None:
    # toxin into the area on 1 Feb: 6 months conservative, 2 weeks (15 Feb) in the less strict reading
    intake = clean_intake(botulinum_toxin="treatment_area", botulinum_toxin_date="2026-02-01")
    assert screen(intake).earliest_date == d("2026-08-01")
    assert screen(intake, screener=standard).outcome is Outcome.SUITABLE


def test_findings_name_the_less_strict_reading_in_the_conservative_profile() -> None:
    decision = screen(clean_intake(keloid="yes"))
    assert finding(decision, "keloid").less_strict
