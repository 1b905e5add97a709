"""What a new rule set changes, in the catalogue's words: rules added, removed and changed, line by line.

The clinician who signs off a rule set reads this beside the catalogue: each changed rule lists the catalogue
lines (outcome, wait, depth effect, texts, sources...) that differ between the approved and the pending set.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Entry, entry
from .loading import RuleSet


@dataclass(frozen=True)
class RuleChange:
    """One rule added, removed or changed; `lines` are (label, before, after) of the lines that differ."""

    rule_id: str
    title: str
    kind: str  # added | removed | changed
    lines: tuple[tuple[str, str, str], ...] = ()


def _lines(found: Entry) -> dict[str, str]:
    """The entry's lines by label (labels that repeat, e.g. instructions, joined), sources as one line."""
    lines: dict[str, list[str]] = {}
    for label, text in found.lines:
        lines.setdefault(label, []).append(text)
    lines["Sources"] = [f"{key} ({tier})" for key, tier, _, _ in found.sources]
    return {label: "; ".join(texts) for label, texts in lines.items()}


def catalogue_diff(before: RuleSet, after: RuleSet) -> list[RuleChange]:
    """The rules `after` adds, removes or changes against `before`, in rule-id order."""
    old = {rule.id: entry(before, rule) for rule in before.rules}
    new = {rule.id: entry(after, rule) for rule in after.rules}
    changes = []
    for rule_id in sorted(old.keys() | new.keys()):
        if rule_id not in old:
            changes.append(RuleChange(rule_id, new[rule_id].rule.title, "added",
                                      tuple((label, "", text) for label, text in _lines(new[rule_id]).items())))
        elif rule_id not in new:
            changes.append(RuleChange(rule_id, old[rule_id].rule.title, "removed"))
        else:
            was, now = _lines(old[rule_id]), _lines(new[rule_id])
            differ = tuple((label, was.get(label, ""), now.get(label, ""))
                           for label in [*was, *(k for k in now if k not in was)]
                           if was.get(label, "") != now.get(label, ""))
            if old[rule_id].rule.title != new[rule_id].rule.title:
                differ = (("Title", old[rule_id].rule.title, new[rule_id].rule.title), *differ)
            if differ:
                changes.append(RuleChange(rule_id, new[rule_id].rule.title, "changed", differ))
    return changes


__all__ = ["RuleChange", "catalogue_diff"]
