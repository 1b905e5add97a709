"""`suitability config`: the effective settings, where each came from, secrets masked."""

from __future__ import annotations

import argparse
import json

from ..settings import effective, load_settings, markdown_table
from .commands import Commands


def register(commands: Commands) -> None:
    """Add `config`."""
    p = commands.add("config", help="print the effective settings (SUITABILITY_*), where each came "
                                             "from, secrets masked")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: a list of {name, value, source}")
    p.add_argument("--markdown", action="store_true",
                   help="print the README's table of every setting (type, default, description) instead")
    p.set_defaults(func=cmd_config)


def cmd_config(args: argparse.Namespace) -> int:
    if args.markdown:
        print(markdown_table(), end="")
        return 0
    rows = effective(load_settings())
    if args.format == "json":
        print(json.dumps([{"name": n, "value": v, "source": s} for n, v, s in rows], indent=2))
        return 0
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"{name:<{width}}  {value or '(unset)'}  [{source}]")
    return 0
