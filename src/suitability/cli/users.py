"""`suitability users add|disable|enable|password|list`: practitioner accounts, for an operator at the server."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from .commands import Commands
from .shell import app_database as _database
from .shell import fail as _fail

if TYPE_CHECKING:
    from ..services.accounts import Database


def register(commands: Commands) -> None:
    """Add the `users` commands."""
    users = commands.group("users", dest="users_cmd", help="practitioner accounts")
    p = users.add("add", help="create an account; the password is asked for (or read from stdin)")
    p.add_argument("username")
    p.add_argument("--role", choices=("practitioner", "admin"), default="practitioner")
    p.add_argument("--name", default=None, help="the name shown in the practitioner area and the history")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.set_defaults(func=cmd_add)
    p = users.add("disable", help="refuse an account from its next request on")
    p.add_argument("username")
    p.set_defaults(func=cmd_disable)
    p = users.add("enable", help="allow a disabled or locked account again")
    p.add_argument("username")
    p.set_defaults(func=cmd_enable)
    p = users.add("password", help="set a new password (asked for, or read from stdin); every session "
                                          "of the account ends at its next request")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.set_defaults(func=cmd_password)
    p = users.add("list", help="every account: username, role, active, last sign-in")
    p.set_defaults(func=cmd_list)


def _password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        return None
    return first


def _new_password(args: argparse.Namespace, command: str) -> str | int:
    """The password to set, or the exit code when there is none to be had."""
    if not args.password_stdin and not sys.stdin.isatty():
        # getpass needs a terminal to turn echo off; without one it would fail deep in termios.
        return _fail("no terminal to ask for the password: pipe it in with --password-stdin, "
                     f"e.g. printf '%s\\n' \"$PASSWORD\" | suitability users {command} NAME --password-stdin", 2)
    password = _password(args.password_stdin)
    return _fail("the passwords did not match") if password is None else password


def _account_change(change: Callable[[Database], str]) -> int:
    """Run one change to the accounts (a transaction) and print what it did; a refusal is exit 1."""
    from ..errors import SuitabilityError

    db = _database()
    try:
        print(change(db))
    except SuitabilityError as exc:
        return _fail(str(exc))
    finally:
        db.dispose()
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Create an account with the password asked for (or piped in)."""
    from ..services.accounts import add_account

    password = _new_password(args, "add")
    if isinstance(password, int):
        return password

    def add(db: Database) -> str:
        account = add_account(db, args.username, password, role=args.role, display_name=args.name)
        return f"added {account.username} ({account.role.value})"
    return _account_change(add)


def _set_active(username: str, active: bool) -> int:
    from ..services.accounts import set_active

    def switch(db: Database) -> str:
        account = set_active(db, username, active)
        return f"{'enabled' if active else 'disabled'} {account.username}"
    return _account_change(switch)


def cmd_disable(args: argparse.Namespace) -> int:
    """Refuse an account from its next request on."""
    return _set_active(args.username, False)


def cmd_enable(args: argparse.Namespace) -> int:
    """Allow a disabled or locked account again."""
    return _set_active(args.username, True)


def cmd_password(args: argparse.Namespace) -> int:
    """Set a new password (asked for, or piped in); every session of the account ends."""
    from ..services.accounts import set_password

    password = _new_password(args, "password")
    if isinstance(password, int):
        return password

    def change(db: Database) -> str:
        account = set_password(db, args.username, password)
        return f"new password for {account.username}; its sessions are ended"
    return _account_change(change)


def cmd_list(args: argparse.Namespace) -> int:
    """Print every account: username, role, state, last sign-in, name."""
    from ..services.accounts import list_accounts

    db = _database()
    try:
        for account in list_accounts(db):
            last = f"{account.last_login_at:%Y-%m-%d %H:%M}" if account.last_login_at else "never"
            state = "active" if account.active else "disabled"
            print(f"{account.username}\t{account.role.value}\t{state}\tlast sign-in {last}\t{account.display_name}")
    finally:
        db.dispose()
    return 0
