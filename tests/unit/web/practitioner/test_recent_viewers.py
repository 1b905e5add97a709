"""A case page says who else opened the case in the last half hour (from the audit), so two practitioners
know of each other before deciding; a second decision on a stale page is still refused as a conflict."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.common.review_support import decide, make_user, sign_in, store_case

from suitability.storage import AuditEvent
from suitability.storage.view_audit import CASE_VIEWED, recent_viewers
from suitability.web.database import get_db


def others(html: str) -> list[str]:
    """The names in the 'also opened by' notice of a case page (empty if there is none)."""
    notice = re.search(r'id="other-viewers">(.*?)</div>', html, re.DOTALL)
    return re.findall(r"<strong>([^<]+)</strong>", notice.group(1)) if notice else []


def second(app: Flask) -> FlaskClient:
    make_user(app, "sam", display_name="Sam Second")
    client = app.test_client()
    assert sign_in(client, "sam").status_code == 303
    return client


def test_a_practitioner_sees_who_else_opened_the_case_but_not_themselves(
        app: Flask, signed_in: FlaskClient) -> None:
    case = store_case(app, "review")
    sam = second(app)
    assert others(signed_in.get(f"/practitioner/case/{case.id}").get_data(as_text=True)) == []
    assert others(sam.get(f"/practitioner/case/{case.id}").get_data(as_text=True)) == ["Pat Practitioner"]
    again = signed_in.get(f"/practitioner/case/{case.id}").get_data(as_text=True)
    assert others(again) == ["Sam Second"]
    other_case = store_case(app, "review")
    assert others(sam.get(f"/practitioner/case/{other_case.id}").get_data(as_text=True)) == []


def test_views_older_than_the_recent_window_are_not_shown(app: Flask, signed_in: FlaskClient) -> None:
    case = store_case(app, "review")
    make_user(app, "old", display_name="Olive Earlier")
    with app.app_context(), get_db().session() as session:
        session.add(AuditEvent(action=CASE_VIEWED, actor="old", case_id=case.id,
                               at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)))
        session.add(AuditEvent(action=CASE_VIEWED, actor="old", case_id=None,
                               at=dt.datetime.now(dt.UTC)))  # a view of nothing in particular: not this case
        session.commit()
    assert others(signed_in.get(f"/practitioner/case/{case.id}").get_data(as_text=True)) == []


def test_recent_viewers_are_the_latest_view_of_each_person_newest_first(app: Flask) -> None:
    case = store_case(app, "review")
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    make_user(app, "sam", display_name="Sam Second")
    with app.app_context(), get_db().session() as session:
        for actor, minutes_ago in (("sam", 20), ("pat", 10), ("sam", 5), ("gone", 40), ("ghost", 1)):
            session.add(AuditEvent(action=CASE_VIEWED, actor=actor, case_id=case.id,
                                   at=now - dt.timedelta(minutes=minutes_ago)))
        session.add(AuditEvent(action="case.reviewed", actor="rev", case_id=case.id, at=now))
        session.commit()
        found = recent_viewers(session, case.id, within=dt.timedelta(minutes=30), excluding="pat", now=now)
    # an actor without an account (e.g. a removed one) is shown by the name it was recorded under
    assert [(v.username, v.display_name, v.at) for v in found] == [
        ("ghost", "ghost", now - dt.timedelta(minutes=1)),
        ("sam", "Sam Second", now - dt.timedelta(minutes=5))]


def test_two_practitioners_see_each_other_and_the_second_decision_is_a_conflict(
        app: Flask, signed_in: FlaskClient) -> None:
    case = store_case(app, "review")
    sam = second(app)
    signed_in.get(f"/practitioner/case/{case.id}")
    assert others(sam.get(f"/practitioner/case/{case.id}").get_data(as_text=True)) == ["Pat Practitioner"]
    assert decide(sam, case, action="decline").status_code == 303
    clash = decide(signed_in, case, action="decline")
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "Someone else decided this case" in html and others(html) == ["Sam Second"]
    with app.app_context(), get_db().session() as session:
        viewers = session.scalars(select(AuditEvent.actor).where(AuditEvent.action == CASE_VIEWED)).all()
    assert sorted(viewers) == ["pat", "pat", "sam"]  # the conflict page showed the case again: a view too
