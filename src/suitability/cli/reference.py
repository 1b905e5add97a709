"""The command reference (docs/cli.md) written from the parser's own help: `python -m suitability.cli.reference`."""

from __future__ import annotations

import os

from . import build_commands

WIDTH = "100"  # argparse wraps help to $COLUMNS: one width, so the file is the same on every terminal
HEADER = """# Command reference

Every `suitability` command with its options, as its `--help` prints them. Written from the parser by
`python -m suitability.cli.reference > docs/cli.md`; `tests/docs/test_cli_reference_docs.py` fails when this
file and the parser disagree. Commands marked *server* need `pip install 'suitability[server]'`; the others
run on the core install alone.
"""
# Commands defined here need no server extra (tests/packaging/test_core_only_packaging.py runs them without it).
CORE_MODULES = {"suitability.cli.core", "suitability.cli.rules.files", "suitability.cli.rules.catalogue"}


def markdown() -> str:
    """docs/cli.md: the index, then each command's help in a text block."""
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        index, sections = [], []
        for path, parser, is_group in build_commands().walk():
            name = " ".join(("suitability", *path))
            if not is_group:
                func = parser.get_default("func")
                where = "core" if getattr(func, "__module__", "") in CORE_MODULES else "server"
                index.append(f"- [`{name}`](#{'-'.join(('suitability', *path))}) ({where})")
            sections.append(f"## {name}\n\n```text\n{parser.format_help().rstrip()}\n```\n")
        return HEADER + "\n" + "\n".join(index) + "\n\n" + "\n".join(sections)
    finally:
        if previous is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = previous


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
