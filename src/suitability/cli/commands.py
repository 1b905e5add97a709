"""The command tree: a command module adds its commands to a `Commands` group, which keeps them in order, so the
reference (docs/cli.md) walks the tree it built instead of reaching into argparse's private attributes."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any


class Commands:
    """The subcommands of one parser (`suitability`, `suitability rules`, ...), in the order they were added."""

    def __init__(self, parser: argparse.ArgumentParser, dest: str, metavar: str | None = None) -> None:
        self.parser = parser
        self.dest = dest
        self.children: dict[str, Commands | argparse.ArgumentParser] = {}
        self._subparsers = parser.add_subparsers(dest=dest, required=True, metavar=metavar)

    def add(self, name: str, **options: Any) -> argparse.ArgumentParser:
        """A new command `name` (argparse's add_parser options); the caller adds its arguments and `func`."""
        parser = self._subparsers.add_parser(name, **options)
        self.children[name] = parser
        return parser

    def group(self, name: str, *, dest: str, **options: Any) -> Commands:
        """A new command `name` that only holds subcommands (`suitability rules check`); the chosen one in `dest`."""
        group = Commands(self._subparsers.add_parser(name, **options), dest)
        self.children[name] = group
        return group

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser, bool]]:
        """Every parser in the tree, depth first: (command path, parser, whether it is a group)."""
        yield path, self.parser, True
        for name, child in self.children.items():
            if isinstance(child, Commands):
                yield from child.walk((*path, name))
            else:
                yield (*path, name), child, False
