"""The rule set's seal: `seal.yaml` records every file of the rules folder, its sha256 and the ids it holds.

A rule file cut short, deleted, added, or edited without sealing again would otherwise load as a valid, smaller
rule set: a safety rule lost without anyone deciding it. The loader refuses any folder whose files differ from
its seal and names exactly what differs; `suitability rules seal` writes the seal after an intended edit and
says what changed. Pure functions over file texts (relative name -> text): no file system here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from ..errors import RuleFileError

SEAL = "seal.yaml"
ID_LISTS = ("rules", "scenarios", "instructions")  # the top-level lists whose items' ids a file "holds"
HEADER = ("# The rule set's seal, written by `suitability rules seal`: every file of this folder, its sha256 and\n"
          "# the ids it holds. Every load refuses a folder that differs from it. Do not edit it by hand: edit the\n"
          "# rules, run `suitability rules test`, then `suitability rules seal`.\n")


@dataclass(frozen=True)
class Sealed:
    """One file as the seal records it."""

    sha256: str
    ids: tuple[str, ...]


def digest(text: str) -> str:
    """The sha256 of a file's UTF-8 bytes, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ids_in(text: str) -> tuple[str, ...]:
    """The ids a file holds (rules, scenarios, instructions), in file order; none if it does not parse."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return ()
    found: list[str] = []
    if isinstance(data, dict):
        for key in ID_LISTS:
            items = data.get(key)
            if isinstance(items, list):
                found.extend(str(item["id"]) for item in items if isinstance(item, dict) and "id" in item)
    return tuple(found)


def record(files: Mapping[str, str]) -> dict[str, Sealed]:
    """What a seal of these files records (every file but the seal itself)."""
    return {name: Sealed(digest(text), ids_in(text)) for name, text in sorted(files.items()) if name != SEAL}


def render(files: Mapping[str, str]) -> str:
    """The text of the seal of these files."""
    body = {"files": {name: {"sha256": entry.sha256, "ids": list(entry.ids)}
                      for name, entry in record(files).items()}}
    return HEADER + yaml.safe_dump(body, sort_keys=True, allow_unicode=True, width=120, default_flow_style=None)


def sealed(files: Mapping[str, str]) -> dict[str, str]:
    """The files with their seal written again (an intended edit): what `rules seal` does, in memory."""
    texts = {name: text for name, text in files.items() if name != SEAL}
    return texts | {SEAL: render(texts)}


def parse_seal(text: str) -> dict[str, Sealed]:
    """The seal's records; a seal that is not what `rules seal` writes is a load error naming it."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise RuleFileError("not valid YAML: run `suitability rules seal` again", file=SEAL) from None
    entries = data.get("files") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise RuleFileError("must hold a 'files:' mapping: run `suitability rules seal` again", file=SEAL)
    parsed: dict[str, Sealed] = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str) \
                or not isinstance(entry.get("ids", []), list):
            raise RuleFileError("each file needs a sha256 and a list of ids", file=SEAL, field=str(name))
        parsed[str(name)] = Sealed(entry["sha256"], tuple(str(i) for i in entry.get("ids", [])))
    return parsed


@dataclass(frozen=True)
class Change:
    """One file's difference between a seal and the files: added, removed or changed, with the ids."""

    file: str
    kind: str  # "added" | "removed" | "changed"
    ids_added: tuple[str, ...] = ()
    ids_removed: tuple[str, ...] = ()
    ids_changed: tuple[str, ...] = ()  # same id in both, file changed (ids only; the rule may be unchanged)

    def describe(self) -> str:
        """One line a clinician can read."""
        parts = [f"{self.file}: {self.kind}"]
        for label, ids in (("ids added", self.ids_added), ("ids removed", self.ids_removed)):
            if ids:
                parts.append(f"{label} {', '.join(ids)}")
        return "; ".join(parts)


def changes(before: Mapping[str, Sealed], after: Mapping[str, Sealed]) -> list[Change]:
    """Every file that differs between two seal records, in name order."""
    found: list[Change] = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None and new is not None:
            found.append(Change(name, "added", ids_added=new.ids))
        elif new is None and old is not None:
            found.append(Change(name, "removed", ids_removed=old.ids))
        elif old is not None and new is not None and old.sha256 != new.sha256:
            found.append(Change(name, "changed", ids_added=tuple(i for i in new.ids if i not in old.ids),
                                ids_removed=tuple(i for i in old.ids if i not in new.ids),
                                ids_changed=tuple(i for i in new.ids if i in old.ids)))
    return found


def check_seal(files: Mapping[str, str]) -> None:
    """Refuse files that differ from their seal, naming every file and id that differs."""
    if SEAL not in files:
        raise RuleFileError("the rule set is not sealed: check the rules (`suitability rules test`), then run "
                            "`suitability rules seal`", file=SEAL)
    differences = changes(parse_seal(files[SEAL]), record(files))
    if differences:
        what = " | ".join(change.describe() for change in differences)
        raise RuleFileError(f"the rule files differ from the seal ({what}); if the edit was intended, run "
                            "`suitability rules test`, then `suitability rules seal`", file=SEAL)


def seal_changes(files: Mapping[str, str]) -> list[Change]:
    """What sealing these files would change against their current seal (all added if there is none)."""
    try:
        before = parse_seal(files[SEAL]) if SEAL in files else {}
    except RuleFileError:
        before = {}
    return changes(before, record(files))


__all__ = ["SEAL", "Change", "Sealed", "changes", "check_seal", "digest", "ids_in", "parse_seal", "record",
           "render", "seal_changes", "sealed"]
