"""docs/cli.md is the CLI's own help, current: a command or option added, renamed or reworded without
regenerating it fails here. Regenerate with `python -m suitability.cli.reference > docs/cli.md`, or run this
test with SUITABILITY_WRITE_DOCS=1."""

from __future__ import annotations

import os
import re
from pathlib import Path

from suitability.cli.reference import markdown

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_the_command_reference_is_current() -> None:
    text = markdown()
    if os.environ.get("SUITABILITY_WRITE_DOCS"):
        REFERENCE.write_text(text, encoding="utf-8")
    assert REFERENCE.read_text(encoding="utf-8") == text, \
        "docs/cli.md is stale: python -m suitability.cli.reference > docs/cli.md"


def test_the_reference_documents_the_commands_operators_asked_about() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for command in ("rules docs", "rules diff-profiles", "db upgrade", "db current", "webhooks send",
                    "webhooks new-secret", "keys list", "keys add"):
        assert f"## suitability {command}\n" in text, command
    assert "--rate-limit" in text.split("## suitability keys add\n", 1)[1].split("## ", 1)[0]


def test_every_index_link_points_at_a_section() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    anchors = {"-".join(h.split()) for h in re.findall(r"^## (.+)$", text, re.MULTILINE)}
    for target in re.findall(r"\]\(#([^)]+)\)", text):
        assert target in anchors, target
