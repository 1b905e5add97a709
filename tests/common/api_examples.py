"""Intakes for the API tests: a clean one built from the model (every choice answered 'no'), and spec examples."""

from __future__ import annotations

from typing import Any

from suitability.fhir.fields import intake_fields

SCREENING_DATE = "2026-03-02"
APPOINTMENT_DATE = "2026-03-20"


def clean_intake() -> dict[str, Any]:
    """Every question with a 'no' answer says no; a healthy adult with fair skin wants her cheeks treated."""
    data: dict[str, Any] = {}
    for name, (_, kind, meta) in intake_fields().items():
        if kind.enum is not None and not kind.repeats and "no" in {m.value for m in kind.enum} \
                and not meta.get("enable_when"):
            data[name] = "no"
    data.update({
        "date_of_birth": "1990-05-17", "fitzpatrick": "II", "setting": "clinic", "modality": "mechanical",
        "treatments": [{"area": "cheeks", "concern": "acne_scars"}],
        "screening_date": SCREENING_DATE, "appointment_date": APPOINTMENT_DATE,
    })
    return data


# (name, changes to the clean intake, expected outcome, expected earliest date)
SPEC_EXAMPLES: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("pregnant", {"pregnant": "yes"}, "not_suitable", None),
    ("isotretinoin-past", {"isotretinoin": "past", "isotretinoin_last_dose": "2026-01-10"}, "defer", "2026-07-10"),
    ("fitzpatrick-v", {"fitzpatrick": "V"}, "review", None),
    ("clean", {}, "suitable", None),
    # the 10-day stop ends 12 Mar, before the 20 Mar appointment: a wait passed by then adds no date (spec §1)
    ("retinoid-in-use", {"retinoid": "yes"}, "suitable_with_precautions", None),
]


def example(changes: dict[str, Any]) -> dict[str, Any]:
    return {**clean_intake(), **changes}
