"""The bibliography: sources.yaml maps each key a rule cites to a title and an evidence tier."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..errors import RuleFileError
from .conditions import suggest
from .model import InstructionSpec, Rule, Source
from .parsing import parse_yaml

BIBLIOGRAPHY = "sources.yaml"
TIERS = ("A", "B", "C", "D", "E", "J")  # evidence.md "Source tiers"; J: the compiler's judgement
DOCUMENT = re.compile(r"^docs/[a-z0-9_./-]+\.md#[a-z0-9-]+$")  # a section of a document shipped in this repo


def parse_bibliography(text: str) -> dict[str, Source]:
    """sources.yaml's `sources:` mapping (key -> tier, title, and a url or a document section)."""
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
        url, document = entry.get("url"), entry.get("document")
        if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
            raise RuleFileError("url must be a web address (https://...)", **where, field="url")
        if document is not None and not (isinstance(document, str) and DOCUMENT.match(document)):
            raise RuleFileError("document must name a section of a document in this repository, e.g. "
                                "docs/evidence.md#depth-by-area", **where, field="document")
        if not url and not document:
            raise RuleFileError("a clinician must be able to open every source: give a url or a document section",
                                **where, field="url")
        bibliography[str(key)] = Source(key=str(key), tier=str(entry["tier"]), title=entry["title"].strip(),
                                        url=url or None, document=document or None)
    return bibliography


def check_sources(rules: Iterable[Rule], bibliography: dict[str, Source],
                  instructions: Mapping[str, InstructionSpec] | None = None) -> None:
    """Every source a rule or an instruction cites is a key of the bibliography (did-you-mean otherwise)."""
    cited = [(rule.file, rule.id, key) for rule in rules for key in rule.sources]
    cited += [("instructions.yaml", spec_id, key) for spec_id, spec in (instructions or {}).items()
              for key in spec.sources]
    for file, item, key in cited:
        if key not in bibliography:
            raise RuleFileError(f"unknown source {key!r}: add it to {BIBLIOGRAPHY} or fix the key",
                                file=file, rule_id=item, field="sources", suggestion=suggest(key, bibliography))


def slug(heading: str) -> str:
    """A Markdown heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def dangling_documents(bibliography: Mapping[str, Source], read: Callable[[str], str | None]) -> list[str]:
    """The sources whose document section cannot be opened: `read(path)` gives a repository file's text (None
    if it is not there). Each problem as one line naming the key."""
    problems = []
    for key, source in bibliography.items():
        if source.document is None:
            continue
        path, anchor = source.document.split("#", 1)
        text = read(path)
        if text is None:
            problems.append(f"{BIBLIOGRAPHY}: source {key}: {path} is not in this repository")
            continue
        anchors = {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}
        if anchor not in anchors:
            problems.append(f"{BIBLIOGRAPHY}: source {key}: {path} has no section #{anchor} "
                            f"(did you mean {suggest(anchor, anchors)!r}?)")
    return problems
