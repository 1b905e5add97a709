"""What a re-screen changes for one case: outcome, depth limit per treatment, earliest date, rules that fire.

Compares the stored decision (a JSON document) with a new Decision by their fields only, so the preview does
not need "what would change it" and does not rebuild the old Decision from JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from ..decision import Decision


@dataclass(frozen=True)
class DepthChange:
    """One requested treatment's depth limit before and after (None: no limit was set)."""

    treatment: int
    area: str
    old_mm: float | None
    new_mm: float | None


@dataclass(frozen=True)
class CaseDifference:
    """One case's stored decision against the current rule set's. `error` says why it could not be screened."""

    case_id: str
    reference: str
    created_at: dt.datetime
    review_status: str
    old_version: str
    new_version: str
    old_outcome: str
    new_outcome: str | None
    depth_changes: tuple[DepthChange, ...] = ()
    old_earliest: dt.date | None = None
    new_earliest: dt.date | None = None
    newly_fired: tuple[str, ...] = ()
    no_longer_fired: tuple[str, ...] = ()
    error: str | None = None
    flags: tuple[str, ...] = field(default=(), compare=False)

    @property
    def changed_outcome(self) -> bool:
        return self.error is None and self.new_outcome != self.old_outcome

    @property
    def changed_depth(self) -> bool:
        return bool(self.depth_changes)

    @property
    def changed_dates(self) -> bool:
        return self.error is None and self.old_earliest != self.new_earliest

    @property
    def changed(self) -> bool:
        """Anything a practitioner would want to see: outcome, depth, date or which rules fire."""
        return (self.changed_outcome or self.changed_depth or self.changed_dates or bool(self.newly_fired)
                or bool(self.no_longer_fired))

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (dates as ISO text); no answers, only what the decisions say."""
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        for key in ("old_earliest", "new_earliest"):
            value = data[key]
            data[key] = value.isoformat() if value else None
        data["changed"] = {"outcome": self.changed_outcome, "depth": self.changed_depth,
                           "dates": self.changed_dates}
        return data


def fired_rules(decision: dict[str, Any]) -> frozenset[str]:
    """The rules behind a decision document: its findings and every depth cap that applied."""
    rules = {f["rule_id"] for f in decision.get("findings") or ()}
    for limit in decision.get("depth_limits") or ():
        rules.update(limit.get("caps") or {})
    return frozenset(rules)


def _limits(decision: dict[str, Any]) -> dict[int, tuple[str, float]]:
    return {int(d["treatment"]): (str(d["area"]), float(d["limit_mm"])) for d in decision.get("depth_limits") or ()}


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def summary_of(decision: Decision) -> dict[str, Any]:
    """The parts of a Decision the comparison reads, in the stored documents' JSON shape."""
    return {
        "outcome": decision.outcome.value,
        "ruleset_version": decision.ruleset_version,
        "earliest_date": decision.earliest_date,
        "findings": [{"rule_id": f.rule_id} for f in decision.findings],
        "depth_limits": [{"treatment": d.treatment, "area": d.area.value, "limit_mm": d.limit_mm, "caps": d.caps}
                         for d in decision.depth_limits],
        "flags": list(decision.flags),
    }


def compare(case: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> CaseDifference:
    """The difference between a stored decision document and a new one (both in `summary_of`'s shape).

    `case` carries id, reference, created_at and review_status of the stored case.
    """
    old_limits, new_limits = _limits(old), _limits(new)
    depth = tuple(
        DepthChange(index, (old_limits.get(index) or new_limits[index])[0],
                    old_limits[index][1] if index in old_limits else None,
                    new_limits[index][1] if index in new_limits else None)
        for index in sorted(set(old_limits) | set(new_limits))
        if old_limits.get(index, (None, None))[1] != new_limits.get(index, (None, None))[1]
    )
    old_rules, new_rules = fired_rules(old), fired_rules(new)
    return CaseDifference(
        case_id=case["id"], reference=case["reference"], created_at=case["created_at"],
        review_status=str(case["review_status"]), old_version=old["ruleset_version"],
        new_version=new["ruleset_version"], old_outcome=str(old["outcome"]), new_outcome=str(new["outcome"]),
        depth_changes=depth, old_earliest=_date(old.get("earliest_date")), new_earliest=_date(new.get("earliest_date")),
        newly_fired=tuple(sorted(new_rules - old_rules)), no_longer_fired=tuple(sorted(old_rules - new_rules)),
        flags=tuple(new.get("flags") or ()),
    )


def failed(case: dict[str, Any], old: dict[str, Any], new_version: str, error: str) -> CaseDifference:
    """A case that could not be screened again (e.g. its stored intake no longer parses): never accepted."""
    return CaseDifference(
        case_id=case["id"], reference=case["reference"], created_at=case["created_at"],
        review_status=str(case["review_status"]), old_version=old["ruleset_version"], new_version=new_version,
        old_outcome=str(old["outcome"]), new_outcome=None, old_earliest=_date(old.get("earliest_date")),
        error=error,
    )
