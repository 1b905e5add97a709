"""One error tree for the whole package: everything we raise on purpose is a SuitabilityError."""

from __future__ import annotations


class SuitabilityError(Exception):
    """Base of every error this package raises on purpose."""


class RuleFileError(SuitabilityError):
    """A rule file is invalid. Names the file, the rule and the field, with a suggestion where one helps."""

    def __init__(self, message: str, *, file: str | None = None, rule_id: str | None = None,
                 field: str | None = None, suggestion: str | None = None) -> None:
        self.file = file
        self.rule_id = rule_id
        self.field = field
        self.suggestion = suggestion
        self.detail = message
        where = ", ".join(p for p in (
            f"file {file}" if file else "",
            f"rule {rule_id}" if rule_id else "",
            f"field {field}" if field else "",
        ) if p)
        text = f"{where}: {message}" if where else message
        if suggestion:
            text += f" (did you mean {suggestion!r}?)"
        super().__init__(text)


class EngineError(SuitabilityError):
    """The rule engine failed. The service turns this into a `review` decision, never `suitable`."""


class ReviewError(SuitabilityError):
    """A practitioner's decision could not be recorded; nothing was stored."""


class ReviewConflict(ReviewError):
    """Someone else decided the case after this practitioner opened it: nothing was overwritten."""

    def __init__(self, case_id: str, expected_version: int, current_version: int) -> None:
        self.case_id = case_id
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__("the case was decided by someone else after you opened it")


class ReviewRefused(ReviewError):
    """The decision is not allowed as given (e.g. an override without a coded reason and a note)."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)  # form field -> what is wrong, in words for the practitioner
        super().__init__("; ".join(self.problems.values()) or "the decision was refused")


class AccountError(SuitabilityError):
    """A practitioner account could not be created or changed (e.g. the username is taken)."""


class RulesNotApproved(SuitabilityError):
    """No approved rule set can serve (REQUIRE_APPROVED_RULES): nothing is screened until one is approved."""


class ApprovalRefused(SuitabilityError):
    """A rule-set approval or revocation was refused (files not available, no such admin, no note); nothing
    was stored."""


def where_it_failed(error: BaseException, frames: int = 12) -> str:
    """An exception's type and the code lines it passed through, innermost first, without its message: the
    message of an unexpected error may quote the input that caused it (a patient's answer, a typed value)."""
    import traceback

    stack = traceback.extract_tb(error.__traceback__)[-frames:]
    lines = [f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}" for frame in reversed(stack)]
    return f"{type(error).__name__} at " + (" <- ".join(lines) or "(no traceback)")
