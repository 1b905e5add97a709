"""Reproduce a stored decision: screen the stored intake again under the archived rule set it was made under.

The stored intake carries its own screening date and the case its profile, so the same rule files must give
the same decision. A difference means the archive, the engine or the code changed what a decision means.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ...screening import Screener
from ..archive import load_archived
from ..cases import get_case_by_reference, intake_of
from ..database import Database
from ..errors import StorageError


@dataclass(frozen=True)
class Reproduction:
    """The stored and the reproduced decision of one case, and which top-level fields differ."""

    reference: str
    ruleset_version: str
    loaded_version: str
    profile: str
    differing_fields: tuple[str, ...]

    @property
    def matches(self) -> bool:
        return self.loaded_version == self.ruleset_version and not self.differing_fields


class CaseNotFound(StorageError):
    """No case has this reference."""


def reproduce(database: Database, reference: str) -> Reproduction:
    """Raises CaseNotFound, RulesetNotArchived, RuleFileError (an archive that no longer loads) or StorageError."""
    with database.session() as session:
        case = get_case_by_reference(session, reference)
        if case is None:
            raise CaseNotFound(f"no case with reference {reference!r}")
        ruleset = load_archived(session, case.ruleset_version, case.profile)
        stored: dict[str, Any] = case.decision
        intake = intake_of(case)
    again = json.loads(Screener(ruleset).screen(intake).model_dump_json())
    fields = tuple(sorted(k for k in set(stored) | set(again) if stored.get(k) != again.get(k)))
    return Reproduction(reference=case.reference, ruleset_version=case.ruleset_version,
                        loaded_version=ruleset.version, profile=case.profile, differing_fields=fields)
