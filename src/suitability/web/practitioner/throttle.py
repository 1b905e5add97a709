"""Which client a sign-in comes from, and the per-client limit on refused sign-ins (from the app's config).

The address is the one the app sees (`remote_addr`, rewritten by ProxyFix only when TRUSTED_PROXIES says to
trust the proxy's X-Forwarded-For), so a client cannot pick its own address by sending the header itself.
It is stored only as a keyed hash; IPv6 clients are counted per /64, the block one subscriber usually holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import math

from flask import Flask, current_app, request

from ...services.accounts import Throttle
from ..config import DEFAULTS
from ..i18n import N_, ngettext

TOO_MANY = N_("Too many sign-ins from your network have failed. Please wait %(minutes)s before trying again, or "
              "ask an administrator for help.")


def init_app(app: Flask) -> None:
    """The per-client limit's settings, with their defaults."""
    for name in ("SIGN_IN_IP_LIMIT", "SIGN_IN_IP_WINDOW_MINUTES"):  # refused sign-ins per client, per window
        app.config.setdefault(name, DEFAULTS[name])


def throttle() -> Throttle:
    """The per-client limit on refused sign-ins, as the app is configured."""
    config = current_app.config
    return Throttle(int(config["SIGN_IN_IP_LIMIT"]), dt.timedelta(minutes=int(config["SIGN_IN_IP_WINDOW_MINUTES"])))


def network(address: str | None) -> str:
    """The address a client is counted by: the IPv4 address, or the /64 of an IPv6 one."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


def client_key() -> str:
    """This request's client as a keyed hash (the app's secret key): counted without storing the address."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"sign-in:" + network(request.remote_addr).encode(), hashlib.sha256).hexdigest()


def retry_after(wait: dt.timedelta) -> tuple[int, str]:
    """Whole seconds for the Retry-After header, and the wait in words for the page (in the page's language)."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    minutes = math.ceil(seconds / 60)
    return seconds, ngettext("%(num)d minute", "%(num)d minutes", minutes)
