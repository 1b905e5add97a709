"""The clinic's clock: today's date and every time shown to a person, in the clinic's time zone.

The screening date is today in the clinic's time zone, every time shown to a person is in that zone with the
zone named, and every day is said the same unambiguous way (`fmt_date`). No I/O beyond the system's time zone
database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV = "SUITABILITY_TIMEZONE"  # the setting that names the zone (settings.clinic_zone)


class TimezoneError(ValueError):
    """A time zone name that is not an IANA name this system knows."""


def clinic_zone(name: str | None = None) -> dt.tzinfo:
    """The zone called `name` (an IANA name such as Europe/London); without one, the server's local zone (the
    configured zone: settings.clinic_zone)."""
    if not name:
        local = dt.datetime.now().astimezone().tzinfo
        assert local is not None
        return local
    if not isinstance(name, str) or name.startswith(("/", ".")) or ".." in name:
        raise TimezoneError(f"{ENV} must be an IANA time zone name such as Europe/London")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimezoneError(f"{ENV} must be an IANA time zone name such as Europe/London") from None


def zone_name(zone: dt.tzinfo) -> str:
    """The zone's name as people see it: the IANA key, or the abbreviation of the local zone."""
    key = getattr(zone, "key", None)
    return key if isinstance(key, str) else (dt.datetime.now(zone).tzname() or "local time")


def today(zone: dt.tzinfo) -> dt.date:
    """Today's date in the clinic's zone: the screening date of a live submission."""
    return dt.datetime.now(zone).date()


def day_of(moment: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The clinic's calendar day of a moment (a naive moment is taken as UTC, as storage keeps them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).date()


def shown(moment: dt.datetime, zone: dt.tzinfo, *, date: bool = True, seconds: bool = False) -> str:
    """'4 Dec 2026, 19:05 (Europe/London)': a time for a person, in the clinic's zone, with the zone named
    (`date=False`: the time alone, '19:05 (Europe/London)')."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(zone)
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    time = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    day = f"{local.day} {months[local.month - 1]} {local.year}, " if date else ""
    return f"{day}{time} ({zone_name(zone)})"


def check_screening_date(screening: dt.date | None, zone: dt.tzinfo) -> dt.date:
    """The screening date of a submission: today in the clinic's zone when none is sent; an earlier one as sent
    (an intake answered earlier elsewhere); a later one is refused (ValueError naming the field)."""
    now = today(zone)
    if screening is None:
        return now
    if screening > now:
        raise ValueError("screening_date: the date of the pre-screen cannot be later than today in the clinic's "
                         "time zone")
    return screening

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(day: dt.date) -> str:
    """'12 Nov 2026': unambiguous in every locale (English month names whatever the process's locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
