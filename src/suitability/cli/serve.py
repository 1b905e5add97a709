"""`suitability serve`: the web app on the development server (production: gunicorn, see the README)."""

from __future__ import annotations

import argparse
import os


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("serve", help="run the web app (SQLite in the instance folder by default)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from ..web import create_app

    app = create_app()
    if "SUITABILITY_SESSION_COOKIE_SECURE" not in os.environ:
        # The development server speaks plain HTTP; a Secure cookie would never come back and every form
        # would fail its CSRF check. Behind TLS (gunicorn + proxy) the default stays Secure.
        app.config["SESSION_COOKIE_SECURE"] = False
    print(f"Serving the pre-screen on http://{args.host}:{args.port}/ (Ctrl+C to stop)")
    app.run(host=args.host, port=args.port, debug=False)
    return 0
