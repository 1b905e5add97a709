"""Depth limits with the numbers of clinical-rules.md §3: area cap, concern cap, the thick-skin exception, device
caps, the melasma modifier, the flag above 1.5 mm, and the rule that set each limit."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.common.minimal import SAFETY_NO

from suitability import Intake, Screener, screen
from suitability.decision import Decision, DepthLimit
from suitability.vocabulary import Area, Concern, Outcome

SCREENING = dt.date(2026, 3, 1)
FACE = ("forehead", "between_brows", "around_eyes", "nose", "cheeks", "upper_lip", "chin_jawline")
BODY = ("abdomen", "flanks", "thighs", "buttocks", "arms", "back")
SCARS = ("acne_scars", "surgical_scars", "stretch_marks")

SAFETY_ANSWERS_NO = SAFETY_NO  # every top-level question, derived from the intake model


def clean_intake(*treatments: tuple[str, str], **overrides: Any) -> Intake:
    """Nothing to find except what the overrides add; treatments as (area, concern) pairs."""
    data: dict[str, Any] = {name: "no" for name in SAFETY_ANSWERS_NO}
    data.update(
        age=35, fitzpatrick="II", setting="clinic", modality="mechanical",
        treatments=[{"area": a, "concern": c} for a, c in (treatments or (("cheeks", "rejuvenation"),))],
        screening_date=SCREENING.isoformat(),
    )
    data.update(overrides)
    return Intake.model_validate_json(json.dumps(data))


def only_limit(decision: Decision) -> DepthLimit:
    assert len(decision.depth_limits) == 1
    return decision.depth_limits[0]


def assert_limit(limit: DepthLimit, mm: float, set_by: set[str]) -> None:
    """The limit is the smallest cap, and the rule named as setting it is one that applied with that cap."""
    assert limit.limit_mm == pytest.approx(mm)
    assert limit.set_by in set_by, f"set by {limit.set_by}, caps {limit.caps}"
    assert limit.caps[limit.set_by] == pytest.approx(mm)
    assert min(limit.caps.values()) == pytest.approx(mm)


# (case id, area, concern, spec limit mm, rules that may set it (ties), a rule that must have applied with its cap)
CASES: list[tuple[str, str, str, float, set[str], tuple[str, float]]] = [
    # 1. area caps
    ("forehead-rejuvenation", "forehead", "rejuvenation", 0.5,
     {"depth-area-forehead", "depth-concern-rejuvenation"}, ("depth-area-forehead", 0.5)),
    ("forehead-wrinkles", "forehead", "wrinkles", 0.5, {"depth-area-forehead"}, ("depth-area-forehead", 0.5)),
    ("forehead-acne-scars-thin-skin", "forehead", "acne_scars", 0.5, {"depth-area-forehead"},
     ("depth-concern-acne-scars", 1.5)),
    ("between-brows-wrinkles", "between_brows", "wrinkles", 0.5, {"depth-area-between-brows"},
     ("depth-area-between-brows", 0.5)),
    ("nose-texture", "nose", "texture_pores", 0.25, {"depth-area-nose"}, ("depth-area-nose", 0.25)),
    ("nose-acne-scars", "nose", "acne_scars", 0.25, {"depth-area-nose"}, ("depth-area-nose", 0.25)),
    ("upper-lip-fine-lines", "upper_lip", "fine_lines", 0.25, {"depth-area-upper-lip"},
     ("depth-area-upper-lip", 0.25)),
    ("upper-lip-acne-scars", "upper_lip", "acne_scars", 0.25, {"depth-area-upper-lip"},
     ("depth-area-upper-lip", 0.25)),
    ("cheeks-fine-lines", "cheeks", "fine_lines", 1.0, {"depth-area-cheeks", "depth-concern-fine-lines"},
     ("depth-area-cheeks", 1.0)),
    ("cheeks-wrinkles", "cheeks", "wrinkles", 1.0, {"depth-area-cheeks"}, ("depth-concern-wrinkles", 1.5)),
    ("cheeks-rejuvenation", "cheeks", "rejuvenation", 0.5, {"depth-concern-rejuvenation"},
     ("depth-area-cheeks", 1.0)),
    ("chin-jawline-wrinkles", "chin_jawline", "wrinkles", 1.0, {"depth-area-chin-jawline"},
     ("depth-area-chin-jawline", 1.0)),
    ("neck-wrinkles", "neck", "wrinkles", 1.0, {"depth-area-neck"}, ("depth-area-neck", 1.0)),
    ("neck-surgical-scars-not-thick-skin", "neck", "surgical_scars", 1.0, {"depth-area-neck"},
     ("depth-area-neck", 1.0)),
    ("decollete-wrinkles", "decollete", "wrinkles", 0.5, {"depth-area-decollete"}, ("depth-area-decollete", 0.5)),
    ("hands-wrinkles", "hands", "wrinkles", 0.5, {"depth-area-hands"}, ("depth-area-hands", 0.5)),
    ("abdomen-wrinkles", "abdomen", "wrinkles", 1.5, {"depth-concern-wrinkles"}, ("depth-area-body", 2.0)),
    # 2. concern caps
    ("back-rejuvenation", "back", "rejuvenation", 0.5, {"depth-concern-rejuvenation"},
     ("depth-concern-rejuvenation", 0.5)),
    ("thighs-fine-lines", "thighs", "fine_lines", 1.0, {"depth-concern-fine-lines"},
     ("depth-concern-fine-lines", 1.0)),
    ("arms-acne-scars", "arms", "acne_scars", 1.5, {"depth-concern-acne-scars"}, ("depth-concern-acne-scars", 1.5)),
    ("flanks-hyperpigmentation", "flanks", "hyperpigmentation", 0.5, {"depth-concern-hyperpigmentation"},
     ("depth-concern-hyperpigmentation", 0.5)),
    ("cheeks-hyperpigmentation", "cheeks", "hyperpigmentation", 0.5, {"depth-concern-hyperpigmentation"},
     ("depth-concern-hyperpigmentation", 0.5)),
    ("cheeks-melasma-concern", "cheeks", "melasma", 0.5, {"depth-concern-melasma"}, ("depth-concern-melasma", 0.5)),
    ("buttocks-texture-pores", "buttocks", "texture_pores", 1.0, {"depth-concern-texture-pores"},
     ("depth-concern-texture-pores", 1.0)),
    ("cheeks-texture-pores", "cheeks", "texture_pores", 1.0, {"depth-area-cheeks", "depth-concern-texture-pores"},
     ("depth-concern-texture-pores", 1.0)),
    ("abdomen-laxity", "abdomen", "laxity", 1.5, {"depth-concern-laxity"}, ("depth-concern-laxity", 1.5)),
    ("chin-laxity", "chin_jawline", "laxity", 1.0, {"depth-area-chin-jawline"}, ("depth-concern-laxity", 1.5)),
    # 3. thick skin: scars and stretch marks on cheeks, chin/jawline and body take the concern cap
    ("cheeks-acne-scars", "cheeks", "acne_scars", 1.5, {"depth-concern-acne-scars", "depth-device-face"},
     ("depth-concern-acne-scars", 1.5)),
    ("chin-jawline-acne-scars", "chin_jawline", "acne_scars", 1.5, {"depth-concern-acne-scars", "depth-device-face"},
     ("depth-concern-acne-scars", 1.5)),
    ("cheeks-surgical-scars-face", "cheeks", "surgical_scars", 1.5,
     {"depth-concern-surgical-scars-face", "depth-device-face"}, ("depth-concern-surgical-scars-face", 1.5)),
    ("abdomen-surgical-scars-body", "abdomen", "surgical_scars", 2.0,
     {"depth-concern-surgical-scars-body", "depth-device-body"}, ("depth-concern-surgical-scars-body", 2.0)),
    ("abdomen-stretch-marks", "abdomen", "stretch_marks", 2.0,
     {"depth-concern-stretch-marks", "depth-device-body"}, ("depth-concern-stretch-marks", 2.0)),
    ("thighs-stretch-marks", "thighs", "stretch_marks", 2.0,
     {"depth-concern-stretch-marks", "depth-device-body"}, ("depth-device-body", 2.0)),
    # 4. device cap: stretch marks on the cheek take the concern cap 2.0, but the face device cap is 1.5
    ("cheeks-stretch-marks-face-device", "cheeks", "stretch_marks", 1.5, {"depth-device-face"},
     ("depth-concern-stretch-marks", 2.0)),
]


@pytest.mark.parametrize(("area", "concern", "mm", "set_by", "applied"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_depth_limit(area: str, concern: str, mm: float, set_by: set[str], applied: tuple[str, float]) -> None:
    decision = screen(clean_intake((area, concern)))
    assert decision.outcome is Outcome.SUITABLE
    limit = only_limit(decision)
    assert (limit.area.value, limit.concern.value, limit.treatment) == (area, concern, 0)
    assert_limit(limit, mm, set_by)
    rule_id, cap = applied
    assert limit.caps[rule_id] == pytest.approx(cap)


@pytest.mark.parametrize("concern", [c.value for c in Concern])
def test_around_the_eyes_is_always_025(concern: str) -> None:
    limit = only_limit(screen(clean_intake(("around_eyes", concern))))
    assert_limit(limit, 0.25, {"depth-area-around-eyes"})


@pytest.mark.parametrize("area", [a.value for a in Area])
@pytest.mark.parametrize("concern", [c.value for c in Concern])
def test_every_treatment_has_a_limit_within_the_device_cap(area: str, concern: str) -> None:
    limit = only_limit(screen(clean_intake((area, concern))))
    device_cap = 1.5 if area in FACE else 2.0
    assert 0 < limit.limit_mm <= device_cap
    device_rule = "depth-device-face" if area in FACE else "depth-device-body"
    assert limit.caps[device_rule] == pytest.approx(device_cap)


@pytest.mark.parametrize("area", ["cheeks", "chin_jawline", *BODY])
@pytest.mark.parametrize("concern", SCARS)
def test_thick_skin_scars_take_the_concern_cap(area: str, concern: str) -> None:
    """Step 3: no area cap applies; the limit is the concern cap, within the device cap."""
    limit = only_limit(screen(clean_intake((area, concern))))
    concern_cap = {"acne_scars": 1.5, "surgical_scars": 1.5 if area in FACE else 2.0, "stretch_marks": 2.0}[concern]
    device_cap = 1.5 if area in FACE else 2.0
    assert limit.limit_mm == pytest.approx(min(concern_cap, device_cap))
    assert not any(rule.startswith("depth-area-") for rule in limit.caps)


def test_a_limit_above_15_mm_is_flagged() -> None:
    flagged = screen(clean_intake(("abdomen", "stretch_marks")))
    assert only_limit(flagged).limit_mm == pytest.approx(2.0)
    depth_flags = [f for f in flagged.flags if "depth" in f]
    assert depth_flags, flagged.flags
    at_limit = screen(clean_intake(("cheeks", "acne_scars")))
    assert only_limit(at_limit).limit_mm == pytest.approx(1.5)
    assert not [f for f in at_limit.flags if "depth" in f]


def test_each_treatment_gets_its_own_limit() -> None:
    decision = screen(clean_intake(("forehead", "wrinkles"), ("cheeks", "acne_scars"), ("abdomen", "stretch_marks")))
    limits = {limit.treatment: limit for limit in decision.depth_limits}
    assert [limits[i].limit_mm for i in range(3)] == [0.5, 1.5, 2.0]
    assert [(limits[i].area.value, limits[i].concern.value) for i in range(3)] == [
        ("forehead", "wrinkles"), ("cheeks", "acne_scars"), ("abdomen", "stretch_marks")]


# --- home devices ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("area", "concern"), [
    ("cheeks", "rejuvenation"), ("cheeks", "acne_scars"), ("forehead", "wrinkles"), ("abdomen", "stretch_marks"),
    ("thighs", "surgical_scars"), ("neck", "laxity"), ("around_eyes", "fine_lines"),
])
def test_home_devices_never_exceed_05(area: str, concern: str) -> None:
    decision = screen(clean_intake((area, concern), setting="home"))
    limit = only_limit(decision)
    assert limit.limit_mm <= 0.5
    assert limit.caps["depth-device-home"] == pytest.approx(0.5)


def test_home_rejuvenation_needs_no_professional() -> None:
    decision = screen(clean_intake(("cheeks", "rejuvenation"), setting="home"))
    assert decision.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS
    assert "X-HOME-PRO" not in {i.id for i in decision.instructions}
    assert "depth-home-needs-professional" not in {f.rule_id for f in decision.findings}


@pytest.mark.parametrize("concern", [c.value for c in Concern if c is not Concern.REJUVENATION])
def test_home_with_another_concern_says_see_a_professional(concern: str) -> None:
    decision = screen(clean_intake(("cheeks", concern), setting="home"))
    assert decision.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS
    assert "X-HOME-PRO" in {i.id for i in decision.instructions}
    assert "depth-home-needs-professional" in {f.rule_id for f in decision.findings}
    assert only_limit(decision).limit_mm <= 0.5


def test_home_acne_scars_are_capped_at_05_and_sent_to_a_professional() -> None:
    decision = screen(clean_intake(("cheeks", "acne_scars"), setting="home"))
    assert_limit(only_limit(decision), 0.5, {"depth-device-home"})
    assert "X-HOME-PRO" in {i.id for i in decision.instructions}


# --- modifiers --------------------------------------------------------------------------------------------------

def test_melasma_in_the_area_caps_it_at_05() -> None:
    decision = screen(clean_intake(("cheeks", "acne_scars"), ("chin_jawline", "acne_scars"),
                                   melasma="yes", melasma_areas=["cheeks"]))
    limits = {limit.area.value: limit for limit in decision.depth_limits}
    assert_limit(limits["cheeks"], 0.5, {"depth-melasma-in-area"})
    assert limits["chin_jawline"].limit_mm == pytest.approx(1.5)
    assert "depth-melasma-in-area" not in limits["chin_jawline"].caps


def test_melasma_without_named_areas_caps_every_area() -> None:
    decision = screen(clean_intake(("cheeks", "acne_scars"), ("abdomen", "stretch_marks"), melasma="yes"))
    assert all(limit.limit_mm == pytest.approx(0.5) for limit in decision.depth_limits)
    assert all(limit.caps["depth-melasma-in-area"] == pytest.approx(0.5) for limit in decision.depth_limits)


@pytest.mark.parametrize("overrides", [
    pytest.param({"fitzpatrick": "VI"}, id="skin-type-vi"),
    pytest.param({"anticoagulant": "yes"}, id="blood-thinner"),
    pytest.param({"pih_history": "yes"}, id="pih-history"),
])
def test_no_depth_cap_for_skin_type_or_blood_thinners(overrides: dict[str, Any]) -> None:
    decision = screen(clean_intake(("cheeks", "acne_scars"), **overrides))
    assert decision.outcome is Outcome.REVIEW
    assert only_limit(decision).limit_mm == pytest.approx(1.5)


def test_keloid_changes_the_outcome_not_the_depth() -> None:
    standard = Screener.from_directory(profile="standard")  # keloid is review there, so limits are reported
    decision = screen(clean_intake(("cheeks", "acne_scars"), keloid="yes"), screener=standard)
    assert decision.outcome is Outcome.REVIEW
    assert only_limit(decision).limit_mm == pytest.approx(1.5)


# --- which decisions carry limits ---------------------------------------------------------------------------------

def test_not_suitable_decisions_carry_no_depth_limits() -> None:
    decision = screen(clean_intake(("cheeks", "acne_scars"), pregnant="yes"))
    assert decision.outcome is Outcome.NOT_SUITABLE
    assert decision.depth_limits == ()


def test_deferred_decisions_carry_the_limits_for_the_deferred_date() -> None:
    decision = screen(clean_intake(("cheeks", "acne_scars"), tan="yes", tan_date="2026-02-20"))
    assert decision.outcome is Outcome.DEFER
    assert only_limit(decision).limit_mm == pytest.approx(1.5)


def test_every_depth_rule_has_an_example() -> None:
    """Each cap rule in depth.yaml applied in at least one case above (or the home and melasma tests)."""
    ruleset = Screener.from_directory().ruleset
    depth_rules = {r.id for r in ruleset.rules if r.file == "depth.yaml"}
    exercised = {case[5][0] for case in CASES} | {
        "depth-area-around-eyes", "depth-device-face", "depth-device-body", "depth-device-home",
        "depth-home-needs-professional", "depth-melasma-in-area",
    }
    assert depth_rules <= exercised, depth_rules - exercised
