"""`ruleset_approvals` is append-only (ORM and database triggers, SQLite and PostgreSQL); a version is approved
while its newest row approves it; only an active admin with a note may sign off a version whose files exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.common.rules_support import reseal

from suitability.errors import ApprovalRefused
from suitability.rules.loading import load_rules
from suitability.storage import AppendOnlyViolation, AuditEvent, Database
from suitability.storage.accounts import add_user
from suitability.storage.approvals import (
    RulesetApproval,
    approval_list,
    approve,
    approved_versions,
    revoke,
    signatures,
)
from suitability.storage.archive import archived_files

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def approval_id(db: Database, rules_dir: Path) -> int:
    with db.session() as session:
        add_user(session, "ada", PASSWORD, role="admin")
        add_user(session, "pat", PASSWORD, role="practitioner")
        row = approve(session, load_rules(rules_dir).version, "ada", "reviewed", load_rules(rules_dir))
        session.commit()
        return row.id


def test_approving_archives_the_files_and_a_revocation_is_a_new_row(db: Database, approval_id: int,
                                                                   rules_dir: Path) -> None:
    version = load_rules(rules_dir).version
    with db.session() as session:
        assert approved_versions(session) == [version]
        assert archived_files(session, version)  # every server can now load it from the database
        revoke(session, version, "ada", "recalled")
        session.commit()
        assert approved_versions(session) == []
        approve(session, version, "ada", "reviewed again", None)  # archived: no need for the disk
        session.commit()
        assert approved_versions(session) == [version]
        assert [(r.action, r.by) for r in approval_list(session)] == [("approve", "ada"), ("revoke", "ada"),
                                                                      ("approve", "ada")]
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions[-3:] == ["ruleset.approved", "ruleset.revoked", "ruleset.approved"]


@pytest.mark.parametrize(("version", "by", "note", "why"), [
    ("sha256:0000000000000000", "ada", "reviewed", "neither on disk nor archived"),
    (None, "pat", "reviewed", "not an active admin"),
    (None, "nobody", "reviewed", "not an active admin"),
    (None, "ada", "  ", "note"),
])
def test_an_approval_is_refused_without_files_an_admin_or_a_note(
        db: Database, approval_id: int, rules_dir: Path, version: str | None, by: str, note: str, why: str) -> None:
    on_disk = load_rules(rules_dir)
    with db.session() as session:
        with pytest.raises(ApprovalRefused, match=why):
            approve(session, version or on_disk.version, by, note, on_disk)
        session.rollback()
        assert len(approval_list(session)) == 1


def test_only_an_approved_version_can_be_revoked(db: Database, approval_id: int) -> None:
    with db.session() as session, pytest.raises(ApprovalRefused, match="not approved"):
        revoke(session, "sha256:0000000000000000", "ada", "why")


def test_the_orm_refuses_to_change_or_delete_an_approval(db: Database, approval_id: int) -> None:
    with db.session() as session:
        row = session.get(RulesetApproval, approval_id)
        assert row is not None
        row.note = "edited afterwards"
        with pytest.raises(AppendOnlyViolation):
            session.commit()
        session.rollback()
        session.delete(session.get(RulesetApproval, approval_id))
        with pytest.raises(AppendOnlyViolation):
            session.commit()
        session.rollback()
        with pytest.raises(AppendOnlyViolation):
            session.execute(update(RulesetApproval).values(note="x"))
        with pytest.raises(AppendOnlyViolation):
            session.execute(delete(RulesetApproval))


@pytest.mark.parametrize("statement", ["UPDATE ruleset_approvals SET note = 'x'", "DELETE FROM ruleset_approvals"])
def test_the_database_refuses_raw_sql_that_changes_approvals(db: Database, approval_id: int, statement: str) -> None:
    with db.engine.connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))
        connection.rollback()
    with db.session() as session:
        assert session.get(RulesetApproval, approval_id).note == "reviewed"  # type: ignore[union-attr]


def test_postgresql_also_refuses_truncate(db: Database, approval_id: int) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with db.engine.connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("TRUNCATE ruleset_approvals CASCADE"))
        connection.rollback()


def test_with_two_signatures_required_a_version_serves_only_once_two_different_admins_approved_it(
        db: Database, approval_id: int, rules_dir: Path) -> None:
    version = load_rules(rules_dir).version
    with db.session() as session:
        add_user(session, "grace", PASSWORD, role="admin")
        assert approved_versions(session, 2) == [] and signatures(session, version) == 1
        with pytest.raises(ApprovalRefused, match="already approved"):
            approve(session, version, "ada", "again", None)  # the same admin twice is one signature
        approve(session, version, "grace", "second reviewer", None)
        session.commit()
        assert approved_versions(session, 2) == [version] == approved_versions(session)
        revoke(session, version, "grace", "recalled")  # withdraws both signatures
        approve(session, version, "grace", "reviewed again", None)
        session.commit()
        assert approved_versions(session, 2) == [] and approved_versions(session, 1) == [version]


def test_a_version_whose_scenarios_fail_or_that_is_not_sealed_cannot_be_approved(db: Database, approval_id: int,
                                                                                 rules_dir: Path) -> None:
    (rules_dir / "scenarios").mkdir(exist_ok=True)
    (rules_dir / "scenarios" / "keloid.yaml").write_text(
        "scenarios:\n  - {id: keloid-check, spec: 'clinical-rules.md §2: Keloid', answers: {keloid: 'yes'},\n"
        "     expect: {outcome: review}}\n", encoding="utf-8")  # the rules say not_suitable: this one fails
    reseal(rules_dir)
    failing = load_rules(rules_dir)
    with db.session() as session:
        with pytest.raises(ApprovalRefused, match="keloid-check"):
            approve(session, failing.version, "ada", "reviewed", failing)
        assert failing.version not in approved_versions(session)
