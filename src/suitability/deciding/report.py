"""The decision in plain words, for a person at a terminal (the web has its own templates)."""

from __future__ import annotations

from ..clock import fmt_date
from ..decision import Decision, Phase

OUTCOME_WORDS = {
    "suitable": "Suitable: you can go ahead.",
    "suitable_with_precautions": "Suitable with precautions: you can go ahead if you follow the instructions below.",
    "review": "A practitioner needs to look at your answers before you book.",
    "defer": "Not yet: please wait before having microneedling.",
    "not_suitable": "Not suitable: microneedling is not advised for you at the moment.",
}
PHASE_WORDS = {Phase.BEFORE: "Before your appointment", Phase.DAY_OF: "On the day", Phase.AFTER: "Aftercare"}


def render_text(decision: Decision, *, clinician: bool = False) -> str:
    """The decision as plain text; `clinician` adds the rule ids and rationales a practitioner needs."""
    lines = [decision.headline, ""] if decision.headline else []
    lines += [OUTCOME_WORDS[decision.outcome.value], ""]
    if decision.earliest_date:
        lines.append(f"Earliest date for treatment: {fmt_date(decision.earliest_date)}")
    for condition in decision.wait_for:
        lines.append(f"Wait until {condition}, then take the pre-screen again.")
    if decision.findings:
        lines += ["", "Why:"]
        for f in decision.findings:
            lines.append(f"  - {f.patient_text}")
            if clinician:
                lines.append(f"      [{f.rule_id}, {f.outcome.value}] {f.rationale}")
                lines.append(f"      sources: {', '.join(f.sources)}; values: {f.values}")
    if decision.depth_limits:
        lines += ["", "Needle depth limits:"]
        for d in decision.depth_limits:
            lines.append(f"  - {d.area.label}, {d.concern.label.lower()}: at most {d.limit_mm:g} mm"
                         + (f" (set by {d.set_by})" if clinician else ""))
    for phase in Phase:
        items = [i for i in decision.instructions if i.phase is phase]
        if items:
            lines += ["", f"{PHASE_WORDS[phase]}:"]
            lines += [f"  [ ] {i.text}" for i in items]
    if decision.what_would_change:
        lines += ["", "What would change it:"]
        for change in decision.what_would_change:
            lines.append(f"  - {change.patient_text}")
            if clinician:
                lines.append(f"      [{change.practitioner_text}]")
    if decision.asked_again:
        lines += ["", decision.asked_again]
    if clinician and decision.flags:
        lines += ["", "Flags: " + ", ".join(decision.flags)]
    lines += ["", f"Rule set {decision.ruleset_version} ({decision.profile})"]
    return "\n".join(lines)
