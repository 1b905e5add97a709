"""`suitability serve`: the web app on the development server, or `--production` under gunicorn."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from ..settings import load_settings
from .commands import Commands

GUNICORN_CONF = "python:suitability.web.gunicorn_conf"
WSGI_APP = "suitability.web.wsgi:app"


def register(commands: Commands) -> None:
    """Add `serve`."""
    p = commands.add("serve", help="run the web app (SQLite in the instance folder by default)")
    p.add_argument("--host", default=None, help="default 127.0.0.1 (production: SUITABILITY_BIND)")
    p.add_argument("--port", type=int, default=None, help="default 5000 (production: SUITABILITY_BIND, 8000)")
    p.add_argument("--production", action="store_true",
                   help="gunicorn with several workers, settings from SUITABILITY_* (see the README)")
    p.set_defaults(func=cmd_serve)


def gunicorn_argv(host: str | None, port: int | None) -> list[str]:
    """The gunicorn command line; --host/--port, when given, win over SUITABILITY_BIND."""
    argv = [sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONF]
    if host is not None or port is not None:
        argv += ["--bind", f"{host or '127.0.0.1'}:{port or 8000}"]
    return [*argv, WSGI_APP]


def cmd_serve(args: argparse.Namespace) -> int:
    if getattr(args, "production", False):
        importlib.import_module("gunicorn")  # without the server extra, say so here, not from the exec'd child

        argv = gunicorn_argv(args.host, args.port)
        os.execv(argv[0], argv)  # gunicorn replaces this process: signals reach its master directly

    from ..web import create_app
    from ..web.rules_reload import install_signal_handler

    host, port = args.host or "127.0.0.1", args.port or 5000
    app = create_app()
    install_signal_handler()  # SIGHUP: reload the rules on the next request
    if load_settings().where("SESSION_COOKIE_SECURE") == "default":
        # The development server speaks plain HTTP; a Secure cookie would never come back and every form
        # would fail its CSRF check. Behind TLS (gunicorn + proxy) the default stays Secure.
        app.config["SESSION_COOKIE_SECURE"] = False
    print(f"Serving the pre-screen on http://{host}:{port}/ (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=False)
    return 0
