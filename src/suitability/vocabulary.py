"""The closed vocabularies of the domain: answers, outcomes, areas, concerns, settings."""

from __future__ import annotations

from enum import Enum


class Answer(str, Enum):
    """A patient's answer to a yes/no question; "not sure" is always allowed."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class Outcome(str, Enum):
    """What the screening decides, from least to most severe."""

    SUITABLE = "suitable"
    SUITABLE_WITH_PRECAUTIONS = "suitable_with_precautions"
    REVIEW = "review"
    DEFER = "defer"
    NOT_SUITABLE = "not_suitable"

    @property
    def severity(self) -> int:
        """1 (suitable) to 5 (not suitable), as in the spec's outcome table."""
        return _SEVERITY[self]


_SEVERITY = {
    Outcome.SUITABLE: 1,
    Outcome.SUITABLE_WITH_PRECAUTIONS: 2,
    Outcome.REVIEW: 3,
    Outcome.DEFER: 4,
    Outcome.NOT_SUITABLE: 5,
}


class Setting(str, Enum):
    CLINIC = "clinic"
    HOME = "home"


class Modality(str, Enum):
    MECHANICAL = "mechanical"
    RF = "rf"


class Fitzpatrick(str, Enum):
    """Fitzpatrick skin phototype, or "not sure"."""

    I = "I"
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"
    VI = "VI"
    NOT_SURE = "not_sure"


class IsotretinoinUse(str, Enum):
    NO = "no"
    PAST = "past"
    CURRENT = "current"
    NOT_SURE = "not_sure"


class PeelDepth(str, Enum):
    NO = "no"
    SUPERFICIAL = "superficial"
    MEDIUM_DEEP = "medium_deep"
    NOT_SURE = "not_sure"


class ToxinSite(str, Enum):
    NO = "no"
    ELSEWHERE_FACE = "elsewhere_face"
    TREATMENT_AREA = "treatment_area"
    NOT_SURE = "not_sure"


class Diabetes(str, Enum):
    NO = "no"
    CONTROLLED = "controlled"
    UNCONTROLLED = "uncontrolled"
    NOT_SURE = "not_sure"


class Region(str, Enum):
    FACE = "face"
    BODY = "body"


class Area(str, Enum):
    """Where a patient wants treatment (spec §3 step 1)."""

    FOREHEAD = "forehead"
    BETWEEN_BROWS = "between_brows"
    AROUND_EYES = "around_eyes"
    NOSE = "nose"
    CHEEKS = "cheeks"
    UPPER_LIP = "upper_lip"
    CHIN_JAWLINE = "chin_jawline"
    NECK = "neck"
    DECOLLETE = "decollete"
    HANDS = "hands"
    ABDOMEN = "abdomen"
    FLANKS = "flanks"
    THIGHS = "thighs"
    BUTTOCKS = "buttocks"
    ARMS = "arms"
    BACK = "back"

    @property
    def region(self) -> Region:
        """Face or body: the device cap and some concern caps depend on it."""
        return Region.FACE if self in _FACE else Region.BODY

    @property
    def label(self) -> str:
        return _AREA_LABELS[self]


_FACE = {
    Area.FOREHEAD, Area.BETWEEN_BROWS, Area.AROUND_EYES, Area.NOSE,
    Area.CHEEKS, Area.UPPER_LIP, Area.CHIN_JAWLINE,
}

_AREA_LABELS = {
    Area.FOREHEAD: "Forehead",
    Area.BETWEEN_BROWS: "Between the eyebrows",
    Area.AROUND_EYES: "Around the eyes (not the eyelids)",
    Area.NOSE: "Nose",
    Area.CHEEKS: "Cheeks",
    Area.UPPER_LIP: "Upper lip and around the mouth",
    Area.CHIN_JAWLINE: "Chin and jawline",
    Area.NECK: "Neck",
    Area.DECOLLETE: "Chest (décolleté)",
    Area.HANDS: "Backs of the hands",
    Area.ABDOMEN: "Abdomen (tummy)",
    Area.FLANKS: "Flanks (sides of the waist)",
    Area.THIGHS: "Thighs",
    Area.BUTTOCKS: "Buttocks",
    Area.ARMS: "Arms",
    Area.BACK: "Back",
}


class Concern(str, Enum):
    """What a patient wants treated (spec §3 step 2)."""

    REJUVENATION = "rejuvenation"
    FINE_LINES = "fine_lines"
    WRINKLES = "wrinkles"
    ACNE_SCARS = "acne_scars"
    SURGICAL_SCARS = "surgical_scars"
    STRETCH_MARKS = "stretch_marks"
    HYPERPIGMENTATION = "hyperpigmentation"
    MELASMA = "melasma"
    TEXTURE_PORES = "texture_pores"
    LAXITY = "laxity"

    @property
    def label(self) -> str:
        return _CONCERN_LABELS[self]


_CONCERN_LABELS = {
    Concern.REJUVENATION: "Glow, rejuvenation or better absorption of skincare",
    Concern.FINE_LINES: "Fine lines",
    Concern.WRINKLES: "Wrinkles",
    Concern.ACNE_SCARS: "Acne scars",
    Concern.SURGICAL_SCARS: "Scars from surgery or an injury",
    Concern.STRETCH_MARKS: "Stretch marks",
    Concern.HYPERPIGMENTATION: "Dark patches or uneven skin tone",
    Concern.MELASMA: "Melasma",
    Concern.TEXTURE_PORES: "Texture and enlarged pores",
    Concern.LAXITY: "Loose or less firm skin",
}
