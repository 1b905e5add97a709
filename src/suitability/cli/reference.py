"""The command reference (docs/cli.md) written from the parser's own help: `python -m suitability.cli.reference`."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

from . import build_parser

WIDTH = "100"  # argparse wraps help to $COLUMNS: one width, so the file is the same on every terminal
HEADER = """# Command reference

Every `suitability` command with its options, as its `--help` prints them. Written from the parser by
`python -m suitability.cli.reference > docs/cli.md`; `tests/docs/test_cli_reference_docs.py` fails when this
file and the parser disagree. Commands marked *server* need `pip install 'suitability[server]'`; the others
run on the core install alone.
"""
CORE_MODULES = {"suitability.cli.core", "suitability.cli.governance"}  # need no server extra (core-only test)


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser in the tree, depth first, in the order the commands were added."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _commands(child, (*path, name))


def markdown() -> str:
    """docs/cli.md: the index, then each command's help in a text block."""
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        commands = list(_commands(build_parser()))
        index, sections = [], []
        for path, parser in commands:
            name = " ".join(("suitability", *path))
            has_children = any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)
            if path and not has_children:
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
