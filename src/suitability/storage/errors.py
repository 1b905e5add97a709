"""Storage errors: part of the package's one error tree: catch `SuitabilityError` or finer."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from ..errors import SuitabilityError

# Any error the database driver or SQLAlchemy raises, under a storage name so services need not import SQLAlchemy.
DatabaseError = SQLAlchemyError


class StorageError(SuitabilityError):
    """The database could not do what was asked; nothing was half-written (the transaction rolled back)."""


def failure_kinds(exc: BaseException) -> str:
    """What to log about a failure: the types along its chain ("StorageError < OperationalError"), never a
    message: a database error's text holds the statement's parameters, and those can be a patient's answers."""
    kinds: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(kinds) < 6:
        seen.add(id(current))
        kinds.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " < ".join(kinds)


class IdempotencyConflict(StorageError):
    """An idempotency key came back with a different body: the caller must not get the earlier result."""

    def __init__(self, key: str, case_id: str) -> None:
        self.key = key
        self.case_id = case_id
        super().__init__("this idempotency key was already used for a different submission")


class AppendOnlyViolation(StorageError):
    """Something tried to change or delete an audit event; the audit trail is append-only."""


class RulesetNotArchived(StorageError):
    """No snapshot of this rule-set version is stored, so decisions made under it cannot be reproduced."""

    def __init__(self, version: str) -> None:
        self.version = version
        super().__init__(f"rule set {version} is not in the archive")


class RescreenRefused(SuitabilityError):
    """Accepting a re-screen was refused as a whole (e.g. the rule set changed since the preview)."""


class CheckInRefused(SuitabilityError):
    """A check-in was not recorded as given (an answer to a question not asked again, a bad answer or date)."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)  # question (or "on") -> what is wrong, in words; never the answer
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()) or "the check-in was refused")


class CheckInConflict(SuitabilityError):
    """The case changed (a decision, a re-screen, another check-in) since the check-in form was read."""

    def __init__(self, case_id: str, expected_version: int, current_version: int) -> None:
        self.case_id = case_id
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__("the case changed since the check-in was started; nothing was stored")


class ViewNotAudited(StorageError):
    """A practitioner's view (a case opened, a search) could not be recorded: its data must not be shown."""


class CaseNotFound(StorageError):
    """No case has this reference (or id)."""
