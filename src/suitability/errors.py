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
