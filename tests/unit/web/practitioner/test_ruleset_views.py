"""The admins' Rule sets page: what serves, what awaits approval, the catalogue diff between them, approve and
revoke (CSRF, audited); practitioners are refused; a version whose files are not available cannot be approved."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from tests.common.governance_support import WAIT, add_account, dispose, edit, make_app, signed_in

from suitability.rules.catalogue_diff import catalogue_diff
from suitability.rules.loading import (
    content_version,
    default_rules_dir,
    load_rules_from_files,
    read_rule_files,
)
from suitability.rules.seal import sealed
from suitability.storage import AuditEvent
from suitability.storage.approvals import approval_list
from suitability.web.database import get_db

RENAMED = ("id: isotretinoin-current", "id: isotretinoin-now")


def test_the_diff_names_rules_added_removed_and_changed_with_the_changed_lines() -> None:
    files = read_rule_files(default_rules_dir())
    before = load_rules_from_files(files)
    edited = dict(files, **{"medicines.yaml": files["medicines.yaml"].replace(WAIT, WAIT.replace("6", "7"))
                            .replace(*RENAMED)})
    changes = {change.rule_id: change for change in catalogue_diff(before, load_rules_from_files(sealed(edited)))}
    assert {k: c.kind for k, c in changes.items()} == {"isotretinoin-current": "removed",
                                                       "isotretinoin-now": "added", "isotretinoin-past": "changed"}
    wait = {label: (old, new) for label, old, new in changes["isotretinoin-past"].lines}["Wait"]
    assert wait[0].startswith("6 months after") and wait[1].startswith("7 months after")
    assert catalogue_diff(before, before) == []


def test_the_page_shows_the_pending_version_and_its_diff_and_approval_serves_it(
        tmp_path: Path, rules_dir: Path) -> None:
    app, clock = make_app(tmp_path)
    add_account(app)
    admin = signed_in(app)
    first = content_version(rules_dir)
    page = admin.get("/practitioner/rulesets").get_data(as_text=True)
    assert first in page and "awaiting approval" in page and "nothing to compare with" in page
    assert admin.post("/practitioner/rulesets/approve", data={"version": first, "note": "ok"}).status_code == 303
    clock.advance()
    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
    clock.advance()
    page = admin.get("/practitioner/rulesets").get_data(as_text=True)
    pending = content_version(rules_dir)
    assert f"What rule set <code>{pending}</code> changes" in page
    assert 'id="change-isotretinoin-past"' in page and "7 months after" in page
    assert len(re.findall(r'<article class="rule"', page)) == 1  # only the rule that changed
    with app.app_context(), get_db().session() as session:
        assert "rulesets.viewed" in set(session.scalars(select(AuditEvent.action)))
    dispose(app)


def test_practitioners_are_refused_and_nothing_is_stored(tmp_path: Path, rules_dir: Path) -> None:
    app, _ = make_app(tmp_path)
    add_account(app, "pat", role="practitioner")
    client = signed_in(app, "pat")
    assert client.get("/practitioner/rulesets").status_code == 403
    data = {"version": content_version(rules_dir), "note": "I approve"}
    assert client.post("/practitioner/rulesets/approve", data=data).status_code == 403
    assert client.post("/practitioner/rulesets/revoke", data=data).status_code == 403
    assert "Rule sets" not in client.get("/practitioner/").get_data(as_text=True)
    with app.app_context(), get_db().session() as session:
        assert approval_list(session) == []
    dispose(app)


def test_a_version_whose_files_are_not_available_or_a_blank_note_is_refused(tmp_path: Path, rules_dir: Path) -> None:
    app, _ = make_app(tmp_path)
    add_account(app)
    admin = signed_in(app)
    unknown = admin.post("/practitioner/rulesets/approve", data={"version": "sha256:0000000000000000", "note": "x"})
    assert unknown.status_code == 400 and "neither on disk nor archived" in unknown.get_data(as_text=True)
    blank = admin.post("/practitioner/rulesets/approve", data={"version": content_version(rules_dir), "note": " "})
    assert blank.status_code == 400
    with app.app_context(), get_db().session() as session:
        assert approval_list(session) == []
        assert not {"ruleset.approved"} & set(session.scalars(select(AuditEvent.action)))
    dispose(app)


def test_approving_needs_the_csrf_token(tmp_path: Path, rules_dir: Path) -> None:
    app, _ = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    add_account(app)
    client = app.test_client()
    form = client.get("/practitioner/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    from tests.common.governance_support import PASSWORD

    assert client.post("/practitioner/sign-in", data={"username": "ada", "password": PASSWORD,
                                                      "csrf_token": token.group(1)}).status_code == 303
    version = content_version(rules_dir)
    assert client.post("/practitioner/rulesets/approve", data={"version": version, "note": "ok"}).status_code == 400
    page = client.get("/practitioner/rulesets").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    sent = client.post("/practitioner/rulesets/approve", data={"version": version, "note": "ok",
                                                               "csrf_token": token.group(1)})
    assert sent.status_code == 303
    with app.app_context(), get_db().session() as session:
        assert [(row.version, row.by) for row in approval_list(session)] == [(version, "ada")]
    dispose(app)
