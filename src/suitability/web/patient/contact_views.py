"""The contact step, only where the clinic collects contacts (SUITABILITY_COLLECT_CONTACT): the patient's name
and one phone number or email, kept in the sealed session with the answers and stored with the case. It is not
part of the intake: the rules never see it, and no result page shows it."""

from __future__ import annotations

import re

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from . import bp, state

View = str | Response | tuple[str, int]

NAME_LENGTH, DETAIL_LENGTH = 200, 320  # the columns' sizes
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def collecting() -> bool:
    """Whether this clinic asks for a name and contact."""
    return bool(current_app.config.get("COLLECT_CONTACT"))


def contact() -> tuple[str, str] | None:
    """The name and contact given in this session, or None."""
    saved = session.get("contact")
    return (str(saved[0]), str(saved[1])) if isinstance(saved, list) and len(saved) == 2 else None


def missing() -> bool:
    """The clinic collects contacts and this patient has not given one yet."""
    return collecting() and contact() is None


def read_contact(name: str, detail: str) -> tuple[tuple[str, str], dict[str, str]]:
    """The form's name and contact, trimmed, and an error per field (messages never repeat what was typed)."""
    name, detail = " ".join(name.split()), detail.strip()
    errors: dict[str, str] = {}
    if not name or len(name) > NAME_LENGTH or _CONTROL.search(name):
        errors["contact_name"] = _("Enter your name, up to %(n)s letters", n=NAME_LENGTH)
    digits = sum(ch.isdigit() for ch in detail)
    phone = 7 <= digits <= 20 and re.fullmatch(r"[0-9 +().\-]+", detail) is not None
    if len(detail) > DETAIL_LENGTH or _CONTROL.search(detail) or not (phone or _EMAIL.match(detail)):
        errors["contact_detail"] = _("Enter a phone number, like 07700 900123, or an email address, like "
                                     "name@example.com")
    return (name, detail), errors


@bp.route("/contact", methods=["GET", "POST"])
def contact_page() -> View:
    """The name-and-contact step: shown, then checked and kept in the session until the answers are sent."""
    if not state.has_consent():
        return redirect(url_for("patient.start"))
    if not collecting():
        return redirect(url_for("patient.check"))
    if request.method == "GET":
        name, detail = contact() or ("", "")
        return render_template("patient/contact.html", values={"contact_name": name, "contact_detail": detail},
                               errors={})
    given, errors = read_contact(request.form.get("contact_name", ""), request.form.get("contact_detail", ""))
    if errors:
        values = {"contact_name": given[0], "contact_detail": given[1]}
        return render_template("patient/contact.html", values=values, errors=errors), 400
    session["contact"] = list(given)
    return redirect(url_for("patient.check"))
