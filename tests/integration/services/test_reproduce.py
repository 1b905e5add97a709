"""A stored decision is reproducible from the archived rule set of its version; a changed archive is caught."""

from __future__ import annotations

import pytest

from tests.common.rescreen_samples import peel

from suitability.errors import RuleFileError
from suitability.rules.loading import version_of
from suitability.rules.seal import SEAL, sealed
from suitability.screening import Screener, default_screener
from suitability.services.events import NO_EVENTS
from suitability.services.rescreen import accept, preview, reproduce, reproduce_history
from suitability.services.submission import submit
from suitability.storage import Case, Database
from suitability.storage.errors import CaseNotFound, RulesetNotArchived


@pytest.fixture
def reference(db: Database) -> str:
    return submit(db, peel(10), idempotency_key=None, body_hash=None, source="web", events=NO_EVENTS,
                  screener=default_screener()).case.reference


def test_a_stored_decision_is_reproduced_from_its_archived_rule_set(db: Database, reference: str,
                                                                    shipped_screener: Screener) -> None:
    result = reproduce(db, reference.lower().replace("-", " "))  # however a person types the code
    assert result.matches and result.differing_fields == ()
    assert result.ruleset_version == result.loaded_version == shipped_screener.ruleset.version


def test_an_accepted_rescreen_is_reproducible_under_the_new_rule_set(
        db: Database, reference: str, changed_screener: Screener, shipped_screener: Screener) -> None:
    expected = {d.case_id: d.old_version for d in preview(db, changed_screener) if d.changed}
    accept(db, changed_screener, expected, new_version=changed_screener.ruleset.version, actor="a",
           events=NO_EVENTS)
    result = reproduce(db, reference)
    assert result.matches and result.ruleset_version == changed_screener.ruleset.version
    before, after = reproduce_history(db, reference)  # and every decision the case had before
    assert before.matches and after.matches
    assert before.label.startswith("submitted ") and after.label.startswith("rescreen ")
    assert (before.ruleset_version, after.ruleset_version) == (shipped_screener.ruleset.version,
                                                               changed_screener.ruleset.version)


def test_a_changed_archive_is_detected(db: Database, reference: str, shipped_screener: Screener) -> None:
    version = shipped_screener.ruleset.version
    files = dict(shipped_screener.ruleset.files)
    files["recent-treatments.yaml"] = files["recent-treatments.yaml"].replace(
        "wait: {after: chemical_peel_date, days: 30, once_passed: lapses}", "wait: {after: chemical_peel_date, days: 60, once_passed: lapses}")
    files = sealed(files)  # whoever changed it forged the seal too: the version hash still tells
    with db.engine.connect() as connection:  # the archive is append-only: go around the trigger on purpose
        if db.dialect == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER rulesets_no_update")
        else:
            connection.exec_driver_sql("ALTER TABLE rulesets DISABLE TRIGGER rulesets_no_change")
        connection.commit()
    with db.session() as session:
        from sqlalchemy import update

        from suitability.storage.archive import RulesetSnapshot

        session.connection().execute(update(RulesetSnapshot.__table__).where(
            RulesetSnapshot.__table__.c.version == version).values(files=files))
        session.commit()
    result = reproduce(db, reference)
    assert not result.matches
    assert result.loaded_version != version
    (submitted,) = reproduce_history(db, reference)
    assert not submitted.matches and submitted.differing_fields == result.differing_fields
    assert {"outcome", "ruleset_version", "earliest_date"} <= set(result.differing_fields)


def test_a_decision_without_an_archived_rule_set_or_an_unknown_reference_is_an_error(
        db: Database, reference: str) -> None:
    with db.session() as session:
        from sqlalchemy import update

        session.connection().execute(update(Case.__table__).values(ruleset_version="sha256:0000000000000000"))
        session.commit()
    with pytest.raises(RulesetNotArchived):
        reproduce(db, reference)
    with pytest.raises(CaseNotFound):
        reproduce(db, "MN-AAAA-AAAA")


def test_the_history_is_reproduced_with_the_answers_each_decision_was_made_on(
        db: Database, reference: str, shipped_screener: Screener) -> None:
    """A check-in replaces answers on the case; the decisions before it were made on the answers it replaced."""
    import datetime as dt

    from tests.common.rescreen_samples import SCREENED_ON

    from suitability.services.checkin import check_in, due_questions
    from suitability.storage import get_case_by_reference

    with db.session() as session:
        case = get_case_by_reference(session, reference)
        assert case is not None
        case_id, version = case.id, case.review_version
    later = SCREENED_ON + dt.timedelta(days=15)
    due = due_questions(db, shipped_screener, case_id, later).questions
    assert "pregnant" in due
    answers = {q: "no" for q in due if not q.endswith(("_date", "_last_use", "_last_dose"))}
    check_in(db, shipped_screener, case_id, {**answers, "pregnant": "yes"}, later, "practitioner:pat",
             version, events=NO_EVENTS)

    submitted, checked_in = reproduce_history(db, reference)
    assert submitted.matches and checked_in.matches, (submitted.differing_fields, checked_in.differing_fields)
    assert checked_in.label.startswith("checkin ")
    assert reproduce(db, reference).matches


def test_an_archive_made_before_seals_replays_but_never_serves(db: Database, shipped_screener: Screener) -> None:
    from suitability.storage.archive import RulesetSnapshot, load_archived

    files = {name: text for name, text in shipped_screener.ruleset.files.items() if name != SEAL}
    version = version_of(files)
    with db.session() as session:
        session.add(RulesetSnapshot(version=version, name="pre-seal", files=files))
        session.commit()
    with db.session() as session:
        assert load_archived(session, version, "conservative", replay=True).version == version
        with pytest.raises(RuleFileError) as caught:
            load_archived(session, version, "conservative")  # as a fallback or an approval would load it
        assert caught.value.file == SEAL and "not sealed" in str(caught.value)


def test_an_archive_changed_without_its_seal_is_refused_naming_the_file(
        db: Database, shipped_screener: Screener) -> None:
    from suitability.storage.archive import RulesetSnapshot, load_archived

    files = dict(shipped_screener.ruleset.files)
    files["pregnancy.yaml"] = files["pregnancy.yaml"].replace("outcome: not_suitable", "outcome: review")
    version = version_of(files)
    with db.session() as session:
        session.add(RulesetSnapshot(version=version, name="tampered", files=files))
        session.commit()
    with db.session() as session, pytest.raises(RuleFileError) as caught:
        load_archived(session, version, "conservative", replay=True)
    assert "pregnancy.yaml: changed" in str(caught.value)
