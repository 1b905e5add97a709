"""The `suitability` command. Each shell registers its own subcommands; this module only dispatches."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that define `register(subparsers)`; each adds its own subcommands.
COMMAND_MODULES = (
    "suitability.cli.core",
    "suitability.cli.serve",
    "suitability.cli.db",
    "suitability.cli.integrations",
    "suitability.cli.governance",
    "suitability.cli.users",
    "suitability.cli.rescreen",
    "suitability.cli.approvals",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="suitability", description="Microneedling pre-screening.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
