"""The rule sets a test's decisions were made under, as storage archives them with each case."""

from __future__ import annotations

from suitability import default_screener
from suitability.rules.model import RuleSet


def library_rulesets(version: str) -> RuleSet | None:
    """The rule set of `version` as the library's screener knows it (tests screen with `suitability.screen`)."""
    return default_screener().ruleset_for(version)
