"""A decision screened under rule set A and stored after the rules were reloaded to B is archived under A, so
`suitability reproduce` can check it; the screener remembers only its few most recent rule sets, and storage
archives through the lookup it is given (the screener's memory), never a process-wide screener."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.common.rescreen_samples import ROOT, changed_rules, peel

from suitability.cli import main
from suitability.screening import RECENT_RULESETS, Screener
from suitability.storage import Database, database_url, store_submission
from suitability.storage.archive import RulesetSnapshot, archive_current_ruleset


@pytest.fixture
def served(tmp_path: Path) -> Screener:
    """A screener on a copy of the shipped rules, as an app serves it."""
    return Screener.from_directory(shutil.copytree(ROOT / "rules", tmp_path / "rules-a"))


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = database_url(None, tmp_path / "instance")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SUITABILITY_DATABASE_URL", raising=False)
    db = Database(url)
    db.ensure_schema()
    yield db
    db.dispose()


def archived_versions(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(RulesetSnapshot.version)))


def test_a_decision_stored_after_a_reload_is_archived_under_its_own_rule_set_and_reproduces(
        served: Screener, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version_a = served.ruleset.version
    decision = served.screen(peel(10))  # screened under A ...
    assert decision.ruleset_version == version_a
    assert served.reload(changed_rules(tmp_path / "rules-b"))  # ... the rules change to B before it is stored
    version_b = served.ruleset.version
    assert version_b != version_a
    with database.session() as session:
        case, created = store_submission(session, peel(10), decision, idempotency_key=None, body_hash=None,
                                         source="web", rulesets=served.ruleset_for)
    assert created and case.ruleset_version == version_a
    assert archived_versions(database) == {version_a}  # A, which made the decision; not B, which made none
    assert main(["reproduce", case.reference]) == 0
    out = capsys.readouterr().out
    assert "reproduced" in out and version_a in out


def test_the_screener_remembers_the_rule_sets_it_served_most_recently_and_no_more(
        served: Screener, tmp_path: Path) -> None:
    first = served.ruleset.version
    assert served.ruleset_for(first) is served.ruleset
    versions = [first]
    for days in range(31, 31 + RECENT_RULESETS):  # each a different peel wait: a different version
        assert served.reload(changed_rules(tmp_path / f"rules-{days}", peel_days=days, forehead_mm=None))
        versions.append(served.ruleset.version)
    assert len(set(versions)) == RECENT_RULESETS + 1
    assert served.ruleset_for(first) is None  # the oldest is forgotten: memory stays bounded
    kept = [served.ruleset_for(v) for v in versions[1:]]
    assert [r.version if r else None for r in kept] == versions[1:]
    assert served.ruleset_for("no-such-version") is None


def test_a_refused_reload_keeps_what_is_remembered(served: Screener, tmp_path: Path) -> None:
    broken = changed_rules(tmp_path / "rules-broken", forehead_mm=None)
    (broken / "depth.yaml").write_text("rules: [not a rule]\n")
    version = served.ruleset.version
    assert not served.reload(broken)
    assert served.ruleset_for(version) is served.ruleset


def test_a_version_the_screener_never_served_is_not_archived(served: Screener, database: Database,
                                                             tmp_path: Path) -> None:
    other = Screener.from_directory(changed_rules(tmp_path / "rules-other"))
    with database.session() as session:
        assert archive_current_ruleset(session, other.ruleset.version, served.ruleset_for) is False
        assert archive_current_ruleset(session, served.ruleset.version, served.ruleset_for) is True
        session.commit()
    assert archived_versions(database) == {served.ruleset.version}


def test_a_rule_set_installed_directly_is_remembered_and_archived(served: Screener, database: Database,
                                                                  tmp_path: Path) -> None:
    """`install` (an approved rule set, e.g. from the archive) swaps rules too: its decisions are archived."""
    version_a = served.ruleset.version
    decision = served.screen(peel(10))
    installed = Screener.from_directory(changed_rules(tmp_path / "rules-b")).ruleset
    served.install(installed)
    assert served.ruleset_for(installed.version) is installed and served.ruleset_for(version_a) is not None
    served.install(Screener.from_directory(changed_rules(tmp_path / "rules-c", peel_days=45)).ruleset)
    assert served.ruleset_for(installed.version) is installed  # no longer current, still remembered
    with database.session() as session:
        assert archive_current_ruleset(session, installed.version, served.ruleset_for) is True  # however it came
        store_submission(session, peel(10), decision, idempotency_key=None, body_hash=None, source="web",
                         rulesets=served.ruleset_for)
    assert archived_versions(database) == {version_a, installed.version}
