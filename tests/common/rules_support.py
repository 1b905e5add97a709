"""The one way tests change a copy of the rules: copy, edit, seal again (as a clinician would after an intended
edit), so the seal (suitability.rules.seal) refuses only what a test means it to refuse."""

from __future__ import annotations

import shutil
from pathlib import Path

from suitability.rules.loading import default_rules_dir, read_rule_files
from suitability.rules.seal import SEAL, sealed

SCENARIOS = "scenarios"


def reseal(directory: Path) -> None:
    """Write the folder's seal again, as `suitability rules seal` does."""
    (directory / SEAL).write_text(sealed(read_rule_files(directory))[SEAL], encoding="utf-8")


def copy_rules(target: Path, *, scenarios: bool = True, source: Path | None = None) -> Path:
    """A sealed copy of the shipped rules. `scenarios=False` leaves the clinical scenarios out (and seals the
    copy without them): for tests of the reload, approval and re-screening machinery that change a clinical
    value on purpose (a 7-month wait), which the scenarios would rightly refuse."""
    shutil.copytree(source or default_rules_dir(), target)
    if not scenarios:
        shutil.rmtree(target / SCENARIOS, ignore_errors=True)
        reseal(target)
    return target


def edit(path: Path, old: str, new: str, *, seal: bool = True) -> None:
    """Replace text in a rule file in place (same inode, as an editor writing in place would), then seal the
    folder again unless `seal=False` (an edit nobody sealed: the loader refuses it)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    if seal:
        reseal(path.parent)
