"""(d) Bounded: every depth limit is within its area cap, its concern cap and the device cap of the spec
(clinical-rules.md §3), with melasma in the area capping at 0.5 mm; at home never above 0.5 mm.

The spec's numbers are written here again, as an independent table: the rule files must agree with it."""

from __future__ import annotations

from hypothesis import given

from tests.common.strategies import intakes

from suitability import Intake, Outcome
from suitability.vocabulary import Area, Concern

# §3 step 1: area caps (mm). "Body" is abdomen, flanks, thighs, buttocks, arms and back.
AREA_CAP = {
    "forehead": 0.5, "between_brows": 0.5, "around_eyes": 0.25, "nose": 0.25, "cheeks": 1.0, "upper_lip": 0.25,
    "chin_jawline": 1.0, "neck": 1.0, "decollete": 0.5, "hands": 0.5,
    "abdomen": 2.0, "flanks": 2.0, "thighs": 2.0, "buttocks": 2.0, "arms": 2.0, "back": 2.0,
}
FACE = {"forehead", "between_brows", "around_eyes", "nose", "cheeks", "upper_lip", "chin_jawline"}
BODY = {"abdomen", "flanks", "thighs", "buttocks", "arms", "back"}
# §3 step 2: concern caps (mm); surgical scars are 1.5 on the face and 2.0 on the body.
CONCERN_CAP = {
    "rejuvenation": 0.5, "fine_lines": 1.0, "wrinkles": 1.5, "acne_scars": 1.5, "stretch_marks": 2.0,
    "hyperpigmentation": 0.5, "melasma": 0.5, "texture_pores": 1.0, "laxity": 1.5,
}
# §3 step 3: scars and stretch marks on thick skin take the concern cap.
SCARS = {"acne_scars", "surgical_scars", "stretch_marks"}
THICK_SKIN = {"cheeks", "chin_jawline"} | BODY
# §3 step 4: device caps.
DEVICE_CAP_FACE, DEVICE_CAP_BODY, HOME_CAP = 1.5, 2.0, 0.5
MELASMA_CAP = 0.5  # §3 step 5


def concern_cap(area: str, concern: str) -> float:
    if concern == "surgical_scars":
        return 1.5 if area in FACE else 2.0
    return CONCERN_CAP[concern]


def spec_limit(area: str, concern: str, setting: str) -> float:
    """The deepest the spec allows before any modifier."""
    if concern in SCARS and area in THICK_SKIN:
        base = concern_cap(area, concern)
    else:
        base = min(AREA_CAP[area], concern_cap(area, concern))
    device = HOME_CAP if setting == "home" else DEVICE_CAP_FACE if area in FACE else DEVICE_CAP_BODY
    return min(base, device)


def melasma_here(intake: Intake, area: str) -> str:
    """yes / no / not_sure, written from the spec and the form rather than from facts.py."""
    named = {a.value for a in intake.melasma_areas}
    if area in named:
        return "yes"
    melasma = intake.melasma.value if intake.melasma else "not_sure"
    if melasma == "not_sure" or (melasma == "yes" and not named):
        return "not_sure"
    return "no"


def test_the_table_covers_every_area_and_concern() -> None:
    assert set(AREA_CAP) == {a.value for a in Area}
    assert set(CONCERN_CAP) | {"surgical_scars"} == {c.value for c in Concern}
    assert FACE == {a.value for a in Area if a.region.value == "face"}


@given(intakes())
def test_every_depth_limit_is_within_the_spec_caps(screen, intake: Intake) -> None:
    decision = screen(intake)
    expected_count = 0 if decision.outcome is Outcome.NOT_SUITABLE else len(intake.treatments)
    assert len(decision.depth_limits) == expected_count
    for limit in decision.depth_limits:
        request = intake.treatments[limit.treatment]
        area, concern = request.area.value, request.concern.value
        assert (limit.area, limit.concern) == (request.area, request.concern)
        bound = spec_limit(area, concern, intake.setting.value)
        if melasma_here(intake, area) == "yes":
            bound = min(bound, MELASMA_CAP)
        assert 0 < limit.limit_mm <= bound, f"{area}/{concern} at {intake.setting.value}: {limit}"
        if intake.setting.value == "home":
            assert limit.limit_mm <= HOME_CAP


@given(intakes())
def test_every_depth_limit_is_exactly_the_spec_limit(screen, intake: Intake) -> None:
    """No source gives a cap for anything else (§3 step 5), so the limit is the spec's, not shallower; an
    unknown melasma answer may cap at 0.5 mm or not."""
    for limit in screen(intake).depth_limits:
        request = intake.treatments[limit.treatment]
        area, concern = request.area.value, request.concern.value
        expected = spec_limit(area, concern, intake.setting.value)
        melasma = melasma_here(intake, area)
        allowed = {expected} if melasma == "no" else {min(expected, MELASMA_CAP)}
        if melasma == "not_sure":
            allowed.add(expected)
        assert limit.limit_mm in allowed, f"{area}/{concern} at {intake.setting.value}, melasma {melasma}: {limit}"


@given(intakes())
def test_a_limit_deeper_than_the_flag_threshold_is_flagged(screen, ruleset, intake: Intake) -> None:
    decision = screen(intake)
    deep = any(limit.limit_mm > ruleset.depth_flag_above_mm for limit in decision.depth_limits)
    flagged = any(flag.startswith("depth-above-") for flag in decision.flags)
    if decision.outcome is not Outcome.NOT_SUITABLE:
        assert deep == flagged
