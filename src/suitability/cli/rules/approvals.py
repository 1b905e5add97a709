"""`suitability rules approve|revoke|approvals`: the clinical sign-off of rule-set versions, at the server."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..commands import Commands
from ..shell import app_database as _database
from ..shell import approvals_required
from ..shell import fail as _fail


def register(group: Commands) -> None:
    """Add `approve`, `revoke` and `approvals` to the `rules` commands."""
    p = group.add("approve", help="sign off a rule-set version (its files on disk or archived)")
    p.add_argument("version", help="the version, e.g. sha256:0123456789abcdef (`suitability rules check`)")
    p.add_argument("--by", required=True, help="the username of the admin account signing off")
    p.add_argument("--note", required=True, help="what was reviewed")
    p.add_argument("--rules", type=Path, default=None, help="rules folder (default: the shipped rules)")
    p.set_defaults(func=cmd_approve)
    p = group.add("revoke", help="withdraw the approval of a rule-set version")
    p.add_argument("version")
    p.add_argument("--by", required=True, help="the username of the admin account")
    p.add_argument("--note", required=True, help="why")
    p.set_defaults(func=cmd_revoke)
    p = group.add("approvals", help="the sign-off history, newest first, and the versions approved now")
    p.set_defaults(func=cmd_approvals)


def cmd_approve(args: argparse.Namespace) -> int:
    from ...errors import SuitabilityError
    from ...rules.loading import load_rules
    from ...screening import configured_profile
    from ...storage.approvals import approve, signatures

    try:
        on_disk = load_rules(args.rules, configured_profile())
    except SuitabilityError:
        on_disk = None  # the version may still be archived
    try:
        with _database().session() as session:
            approve(session, args.version, args.by, args.note, on_disk)
            signed = signatures(session, args.version)
            session.commit()
    except SuitabilityError as exc:
        return _fail(f"not approved: {exc}")
    required = approvals_required()
    if signed < required:
        print(f"approval {signed} of {required} recorded for rule set {args.version} (by {args.by}); it serves once "
              f"{required} different admins have approved it")
    else:
        print(f"approved rule set {args.version} (by {args.by}); servers serve it from their next rules check")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from ...errors import SuitabilityError
    from ...storage.approvals import revoke

    try:
        with _database().session() as session:
            revoke(session, args.version, args.by, args.note)
            session.commit()
    except SuitabilityError as exc:
        return _fail(f"not revoked: {exc}")
    print(f"revoked the approval of rule set {args.version} (by {args.by})")
    return 0


def cmd_approvals(args: argparse.Namespace) -> int:
    from ...errors import SuitabilityError
    from ...storage.approvals import approval_list, approved_versions

    try:
        with _database().session() as session:
            approved, rows = approved_versions(session, approvals_required()), approval_list(session)
    except SuitabilityError as exc:
        return _fail(str(exc))
    print("approved now: " + (", ".join(approved) or "none"))
    for row in rows:
        print(f"{row.at:%Y-%m-%d %H:%M}  {row.action:<7}  {row.version}  {row.by}  {row.note}")
    return 0
