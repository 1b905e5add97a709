"""The bibliography (issue 7): sources.yaml maps each key a rule cites to a title and an evidence tier."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .conditions import suggest
from .errors import RuleFileError
from .rule import Rule, Source
from .rule_parsing import parse_yaml

BIBLIOGRAPHY = "sources.yaml"
TIERS = ("A", "B", "C", "D", "E", "J")  # evidence.md "Source tiers"; J: the compiler's judgement


def parse_bibliography(text: str) -> dict[str, Source]:
    """sources.yaml's `sources:` mapping (key -> tier, title, url)."""
    raw = parse_yaml(BIBLIOGRAPHY, text)
    entries = raw.get("sources") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise RuleFileError("must hold a 'sources:' mapping of key -> {tier, title, url}", file=BIBLIOGRAPHY,
                            field="sources")
    bibliography: dict[str, Source] = {}
    for key, entry in entries.items():
        where: dict[str, Any] = {"file": BIBLIOGRAPHY, "rule_id": str(key)}
        if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
            raise RuleFileError("each source needs a tier and a title", **where, field="title")
        if entry.get("tier") not in TIERS:
            raise RuleFileError(f"tier must be one of {', '.join(TIERS)}", **where, field="tier",
                                suggestion=suggest(str(entry.get("tier")), TIERS))
        url = entry.get("url")
        bibliography[str(key)] = Source(key=str(key), tier=str(entry["tier"]), title=entry["title"].strip(),
                                        url=str(url) if url else None)
    return bibliography


def check_sources(rules: Iterable[Rule], bibliography: dict[str, Source]) -> None:
    """With a bibliography, every rule's `sources` entry must be one of its keys (did-you-mean otherwise)."""
    if not bibliography:
        return
    for rule in rules:
        for key in rule.sources:
            if key not in bibliography:
                raise RuleFileError(f"unknown source {key!r}: add it to {BIBLIOGRAPHY} or fix the key",
                                    file=rule.file, rule_id=rule.id, field="sources",
                                    suggestion=suggest(key, bibliography))
