"""The `suitability` command. Each shell registers its own subcommands; this module only dispatches."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import SuitabilityError
from ..settings import SettingsError, load_settings
from .commands import Commands

# Top-level modules the `server` and `postgres` extras install: a command that needs one of them, run on a
# core-only installation, says which extra to install instead of ending in a traceback.
EXTRA_OF_MODULE = {
    **dict.fromkeys(("flask", "flask_wtf", "flask_login", "werkzeug", "jinja2", "itsdangerous", "markupsafe",
                     "sqlalchemy", "alembic", "argon2", "gunicorn", "fhir", "requests", "prometheus_client",
                     "standardwebhooks"), "server"),
    "psycopg": "postgres",
}

# Modules that define `register(commands)`; each adds its own subcommands, in this order.
COMMAND_MODULES = (
    "suitability.cli.core",
    "suitability.cli.rules",
    "suitability.cli.config",
    "suitability.cli.serve",
    "suitability.cli.db",
    "suitability.cli.integrations",
    "suitability.cli.users",
    "suitability.cli.rescreen",
)


def build_commands() -> Commands:
    """The whole command tree, every module's commands added."""
    parser = argparse.ArgumentParser(prog="suitability", description="Microneedling pre-screening.")
    commands = Commands(parser, dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return commands


def build_parser() -> argparse.ArgumentParser:
    """The `suitability` parser."""
    return build_commands().parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in `argv` (default: the process's arguments); return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        load_settings()  # every setting checked before any command runs
    except SettingsError as exc:
        print(f"suitability: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except ModuleNotFoundError as exc:
        extra = EXTRA_OF_MODULE.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        print(f"suitability: `{args.command}` needs the '{extra}' extra, which is not installed "
              f"(missing module {exc.name}); install it with: pip install 'suitability[{extra}]'", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except SuitabilityError as exc:  # the error tree's messages name what failed, never what was sent
        print(f"suitability: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a person at a terminal gets one line, never a traceback
        print(f"suitability: `{args.command}` failed unexpectedly ({type(exc).__name__}); nothing more is shown "
              "because the details can hold a patient's answers", file=sys.stderr)
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
