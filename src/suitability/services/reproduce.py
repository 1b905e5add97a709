"""Reproduce stored decisions: screen the stored intake again under the archived rule set each was made under.

The stored intake carries its own screening date and each decision its profile, so the same rule files must give
the same decision. A difference means the archive, the engine or the code changed what a decision means.
`reproduce` checks the case's current decision; `reproduce_history` every decision the case ever had.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..intake import Intake, parse_intake
from ..rules.loading import RuleSet
from ..screening import Screener
from ..storage import Session
from ..storage.archive import load_archived
from ..storage.cases import get_case_by_reference, intake_of
from ..storage.database import Database
from ..storage.errors import CaseNotFound
from ..storage.history import history_of
from ..storage.models import Case


@dataclass(frozen=True)
class Reproduction:
    """A stored and a reproduced decision of one case, and which top-level fields differ."""

    reference: str
    ruleset_version: str
    loaded_version: str
    profile: str
    differing_fields: tuple[str, ...]
    label: str = "current decision"

    @property
    def matches(self) -> bool:
        return self.loaded_version == self.ruleset_version and not self.differing_fields


def _case(session: Session, reference: str) -> Case:
    case = get_case_by_reference(session, reference)
    if case is None:
        raise CaseNotFound("no case has this reference")
    return case


def _compare(case: Case, intake: Intake, ruleset: RuleSet, version: str, profile: str, stored: dict[str, Any],
             label: str) -> Reproduction:
    again = json.loads(Screener(ruleset, verify=False).screen(intake).model_dump_json())
    fields = tuple(sorted(k for k in set(stored) | set(again) if stored.get(k) != again.get(k)))
    return Reproduction(reference=case.reference, ruleset_version=version, loaded_version=ruleset.version,
                        profile=profile, differing_fields=fields, label=label)


def reproduce(database: Database, reference: str) -> Reproduction:
    """The case's current decision. Raises CaseNotFound, RulesetNotArchived, RuleFileError (an archive that no
    longer loads) or StorageError."""
    with database.session() as session:
        case = _case(session, reference)
        ruleset = load_archived(session, case.ruleset_version, case.profile, replay=True)
        stored: dict[str, Any] = case.decision
        intake = intake_of(case)
    return _compare(case, intake, ruleset, case.ruleset_version, case.profile, stored, "current decision")


def reproduce_history(database: Database, reference: str) -> list[Reproduction]:
    """Every decision in the case's history, oldest first, each with the answers it was made on (a check-in
    row keeps the answers it replaced); the same errors as `reproduce`."""
    results = []
    with database.session() as session:
        case = _case(session, reference)
        answers: dict[str, Any] = case.intake  # the answers in force, walking the history from newest to oldest
        rulesets: dict[tuple[str, str], RuleSet] = {}
        for row in reversed(history_of(session, case.id)):
            key = (row.ruleset_version, row.profile)
            if key not in rulesets:
                rulesets[key] = load_archived(session, *key, replay=True)
            label = f"{row.reason.value} {row.at:%Y-%m-%d %H:%M} by {row.actor}"
            results.append(_compare(case, parse_intake(answers, stored=True), rulesets[key], row.ruleset_version, row.profile,
                                    row.decision, label))
            if row.previous_intake is not None:  # a check-in replaced these answers: earlier decisions used them
                answers = row.previous_intake
    return results[::-1]
