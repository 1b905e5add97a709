"""Policy profiles: what the `standard` profile changes, rule by rule, compared with `conservative`.

Both rule sets are loaded from the same files (`load_rules(dir, profile)`), so the comparison shows what the
screening will really do, never a second reading of the `less_strict` blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .loading import PROFILES, Rule, RuleSet, Wait, load_rules

CONSERVATIVE, STANDARD = PROFILES


@dataclass(frozen=True)
class ProfileChange:
    """One difference between the profiles for one disputed rule (`what` is outcome, wait, depth or dropped;
    `none` when the less strict reading is recorded but no profile applies it)."""

    rule_id: str
    title: str
    file: str
    what: str
    conservative: str
    standard: str
    reading: str
    held_by: str


def describe_wait(rule: Rule) -> str:
    """'6 months after isotretinoin_last_dose'; for a rule with no wait but a time window, say so."""
    if rule.wait is not None:
        return _wait_text(rule.wait)
    windows = {(t.field, t.value, t.op) for group in rule.alternatives for t in group
               if t.op in ("within_days", "within_months")}
    if windows:
        field, value, op = min(windows)
        unit = "months" if op == "within_months" else "days"
        return f"none (applies only within {value} {unit} of {field})"
    return "none"


def _wait_text(wait: Wait) -> str:
    return f"{wait.period} after {wait.after}"


def _depth(rule: Rule) -> str:
    return "no cap" if rule.depth_cap_mm is None else f"{rule.depth_cap_mm:g} mm"


def diff_rulesets(conservative: RuleSet, standard: RuleSet) -> list[ProfileChange]:
    """Every disputed rule (one with `less_strict`) and what `standard` changes in it, in file order."""
    theirs = {rule.id: rule for rule in standard.rules}
    changes: list[ProfileChange] = []
    for rule in conservative.rules:
        if not rule.less_strict:
            continue
        base = {"rule_id": rule.id, "title": rule.title, "file": rule.file,
                "reading": str(rule.less_strict.get("reading", "")).strip(),
                "held_by": str(rule.less_strict.get("held_by", "")).strip()}
        other = theirs.get(rule.id)
        if other is None:
            changes.append(ProfileChange(**base, what="dropped", conservative="applies", standard="dropped"))
            continue
        found = [
            ProfileChange(**base, what=what, conservative=mine, standard=yours)
            for what, mine, yours in (
                ("outcome", rule.outcome.value if rule.outcome else "none",
                 other.outcome.value if other.outcome else "none"),
                ("wait", describe_wait(rule), describe_wait(other)),
                ("depth", _depth(rule), _depth(other)),
                ("patient text", rule.patient, other.patient),
                ("wait for", rule.wait_for or "nothing", other.wait_for or "nothing"),
                ("instructions", ", ".join(rule.instructions) or "none", ", ".join(other.instructions) or "none"),
            ) if mine != yours
        ]
        changes.extend(found or [ProfileChange(**base, what="none", conservative="as recorded",
                                               standard="the same (the reading is recorded, not applied)")])
    return changes


def diff_profiles(directory: Path | str | None = None) -> list[ProfileChange]:
    """Load both profiles from the rule files and compare them."""
    return diff_rulesets(load_rules(directory, CONSERVATIVE), load_rules(directory, STANDARD))


def render_diff(changes: list[ProfileChange], version: str) -> str:
    """The differences as plain text, one block per rule."""
    rules = list(dict.fromkeys(c.rule_id for c in changes))
    lines = [f"# rule set {version}: {len(rules)} disputed rules; what `standard` changes from `conservative`", ""]
    for rule_id in rules:
        mine = [c for c in changes if c.rule_id == rule_id]
        first = mine[0]
        lines.append(f"{rule_id} ({first.file}): {first.title}")
        for change in mine:
            if change.what == "none":
                lines.append(f"  no change: {change.standard}")
            else:
                lines.append(f"  {change.what}: {change.conservative} -> {change.standard}")
        lines.append(f"  less strict reading: {first.reading} (held by {first.held_by})")
    return "\n".join(lines)
