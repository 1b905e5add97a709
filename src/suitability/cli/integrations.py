"""`suitability keys add|list|revoke` and `suitability webhooks list|retry|send|new-secret`: integrations, for an operator."""

from __future__ import annotations

import argparse
import sys

from ..settings import load_settings
from .commands import Commands
from .shell import app_database as _database
from .shell import fail as _fail


def register(commands: Commands) -> None:
    """Add the `keys` and `webhooks` commands."""
    keys = commands.group("keys", dest="keys_cmd", help="API keys, one per integration")
    p = keys.add("add", help="create a key and print it once (only its hash is kept)")
    p.add_argument("name", help="the integration, e.g. booking-system")
    p.add_argument("--rate-limit", type=int, default=None, help="requests per minute (default: API_RATE_LIMIT)")
    p.add_argument("--scope", action="append", choices=("screen", "analytics"), default=None,
                   help="what the key may do, repeatable (default: screen only; analytics only when named)")
    p.set_defaults(func=cmd_keys_add)
    p = keys.add("list", help="every key: name, prefix, created, revoked")
    p.set_defaults(func=cmd_keys_list)
    p = keys.add("revoke", help="revoke a key by name or prefix, at once")
    p.add_argument("name")
    p.set_defaults(func=cmd_keys_revoke)

    hooks = commands.group("webhooks", dest="webhooks_cmd", help="outcome webhooks")
    p = hooks.add("list", help="deliveries, newest first, with their status")
    p.add_argument("--status", choices=("pending", "delivered", "failed"), default=None)
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_webhooks_list)
    p = hooks.add("retry", help="send a delivery again (e.g. a failed one)")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_webhooks_retry)
    p = hooks.add("send", help="run the sender in the foreground (if app servers run WEBHOOK_SENDER=false)")
    p.set_defaults(func=cmd_webhooks_send)
    p = hooks.add("new-secret", help="print a new signing secret (whsec_...) for SUITABILITY_WEBHOOK_SECRET")
    p.set_defaults(func=cmd_webhooks_new_secret)


def cmd_keys_add(args: argparse.Namespace) -> int:
    """`keys add NAME`: create a key and print its token once."""
    from ..services.api_keys import ApiKeyError, add_key

    db = _database()
    try:
        with db.session() as session:
            key, token = add_key(session, args.name, rate_limit=args.rate_limit, scopes=args.scope)
    except ApiKeyError as exc:
        return _fail(str(exc))
    finally:
        db.dispose()
    print(f"API key for {key.name} (prefix {key.prefix}). It is shown once; store it now:\n{token}")
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    """`keys list`: every key with its prefix, limit, state and scopes, never its token."""
    from ..services.api_keys import list_keys, scopes_of

    db = _database()
    with db.session() as session:
        for key in list_keys(session):
            revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "live"
            limit = f"{key.rate_limit}/min" if key.rate_limit else "default limit"
            scopes = " ".join(sorted(scopes_of(key)))
            print(f"{key.prefix}\t{key.name}\tcreated {key.created_at:%Y-%m-%d}\t{limit}\t{revoked}\t{scopes}")
    db.dispose()
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    """`keys revoke NAME`: revoke a key by name or prefix."""
    from ..services.api_keys import ApiKeyError, revoke_key

    db = _database()
    try:
        with db.session() as session:
            key = revoke_key(session, args.name)
    except ApiKeyError as exc:
        return _fail(str(exc))
    finally:
        db.dispose()
    print(f"revoked {key.name} ({key.prefix})")
    return 0


def cmd_webhooks_list(args: argparse.Namespace) -> int:
    """`webhooks list`: deliveries, newest first, with their status."""
    from ..services.webhooks.deliveries import list_deliveries

    db = _database()
    with db.session() as session:
        for row in list_deliveries(session, status=args.status, limit=args.limit):
            when = f"delivered {row.delivered_at:%Y-%m-%d %H:%M:%S}" if row.delivered_at else \
                f"next try {row.next_attempt_at:%Y-%m-%d %H:%M:%S}" if row.status.value == "pending" else "gave up"
            last = row.last_error or (str(row.last_status) if row.last_status else "-")
            print(f"{row.id}\t{row.status.value}\t{row.event_type}\t{row.attempts} attempt(s)\t{last}\t{when}\t"
                  f"{row.url}")
    db.dispose()
    return 0


def cmd_webhooks_retry(args: argparse.Namespace) -> int:
    """`webhooks retry ID`: queue a delivery again."""
    from ..services.webhooks.deliveries import retry_delivery

    db = _database()
    with db.session() as session:
        row = retry_delivery(session, args.id)
    db.dispose()
    if row is None:
        return _fail(f"no delivery {args.id}")
    print(f"delivery {args.id} queued again")
    return 0


def cmd_webhooks_new_secret(args: argparse.Namespace) -> int:
    """`webhooks new-secret`: print a fresh signing secret."""
    from ..services.webhooks.signing import new_secret

    print(new_secret())
    return 0


def cmd_webhooks_send(args: argparse.Namespace) -> int:
    """`webhooks send`: deliver in the foreground with the servers' settings, until Ctrl-C."""
    import time

    from ..services.webhooks import Sender, configure_sender

    config = configure_sender(load_settings().app_config())
    if config is None:
        return _fail("set SUITABILITY_WEBHOOK_SECRET to a whsec_ secret (`suitability webhooks new-secret`) "
                     "and SUITABILITY_WEBHOOK_URLS to send webhooks")
    sender = Sender(_database().session, config)
    print("sending webhooks; Ctrl-C stops", file=sys.stderr)
    while True:
        if sender.run_once() < config.batch:
            time.sleep(config.poll_seconds)
