"""`suitability serve`: the web app on the development server (production: gunicorn, see the README)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("serve", help="run the web app (SQLite in the instance folder by default)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from ..web import create_app
    except ImportError:  # the web layer is not built yet: show the core working instead
        from .core import cmd_demo

        return cmd_demo(argparse.Namespace(rules=None, profile="conservative"))
    app = create_app()
    app.run(host=args.host, port=args.port, debug=False)
    return 0
