"""The case store against a simple in-memory model (Hypothesis stateful, after its DatabaseComparison example).

Submissions (with idempotency keys that repeat, with the same or another body), practitioner reviews (every
action, overrides, current or stale versions), re-screens under a changed rule set (open cases or all, with or
without reopening decided ones) and the export drive a real SQLite store through its public functions. After
every step the store must agree with the model: one case per key, each case's status, outcome, rule set and
version, its audit events, reviews and decision history (which only ever grow, earlier rows unchanged), and the
queue's counts. The model screens intakes itself with the same rule sets; whether a review is complete and
needs an override is decided by `reviews.check` (its own tests are in tests/practitioner).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.common.rules_support import copy_rules, reseal
from tests.common.strategies import intakes

from suitability.decision import Decision
from suitability.errors import ReviewConflict, ReviewRefused
from suitability.intake import Intake
from suitability.screening import ENGINE_FAILED_FLAG, Screener
from suitability.services.events import NO_EVENTS
from suitability.services.rescreen import Scope, accept, preview
from suitability.services.review import MAX_DEPTH_MM, NEW_STATUS, Proposal, check, record_review, reviews_for
from suitability.services.submission import submit
from suitability.storage import (
    Database,
    IdempotencyConflict,
    ReviewStatus,
    body_hash,
    database_url,
    decision_of,
    events_for,
    find_by_idempotency_key,
    get_case,
    list_cases,
)
from suitability.storage.accounts import add_user
from suitability.storage.errors import RescreenRefused
from suitability.storage.history import history_of
from suitability.storage.review_models import OverrideReason, ReviewAction
from suitability.storage.review_queue import decisions_between, queue
from suitability.vocabulary import Outcome

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("api:k1", "api:k2", "web:k3")
def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.datetime.now(dt.UTC).date()
DEPTHS = ("engine", "deeper", "shallower", "missing")


def changed_rules(target: Path) -> Path:
    """The shipped rules with the superficial-peel wait at 60 days and the forehead depth cap at 0.25 mm."""
    copy_rules(target, scenarios=False, source=ROOT / "rules")  # a clinical change the scenarios would refuse
    for name, old, new in (
            ("recent-treatments.yaml", "wait: {after: chemical_peel_date, days: 30, once_passed: lapses}",
             "wait: {after: chemical_peel_date, days: 60, once_passed: lapses}"),
            ("depth.yaml", "when: {area: forehead}\n    depth_cap_mm: 0.5", "when: {area: forehead}\n    depth_cap_mm: 0.25")):
        text = (target / name).read_text()
        assert text.count(old) == 1, f"{name} changed: update this helper"
        (target / name).write_text(text.replace(old, new))
    reseal(target)
    return target


@dataclass
class ModelCase:
    """What the model knows of one case."""

    key: str | None
    body: str
    intake: Intake
    decision: Decision
    status: ReviewStatus = ReviewStatus.OPEN
    version: int = 0
    events: list[str] = field(default_factory=lambda: ["case.submitted"])
    history: list[tuple[str, str]] = field(default_factory=list)  # (reason, rule-set version)
    reviews: int = 0


def snapshot(rows: list[Any], *columns: str) -> list[tuple[Any, ...]]:
    return [tuple(getattr(row, column) for column in columns) for row in rows]


def is_prefix(before: list[Any], after: list[Any]) -> bool:
    return after[:len(before)] == before


class CaseStore(RuleBasedStateMachine):
    """A fresh SQLite store per example (a copy of `template`: the schema and one practitioner, `reviewer`)
    and two rule sets (shipped and changed)."""

    screeners: ClassVar[tuple[Screener, Screener]]
    template: ClassVar[Path]
    reviewer: ClassVar[int]

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="case-store-"))
        shutil.copytree(self.template, self.folder, dirs_exist_ok=True)
        self.db = Database(database_url(None, self.folder))
        self.current = 0                      # which rule set screens new submissions and re-screens
        self.cases: dict[str, ModelCase] = {}
        self.keys: dict[str, str] = {}        # idempotency key -> case id
        self.exported: list[tuple[str, str, ReviewAction, OverrideReason | None]] = []
        self.rows: dict[str, tuple[list[Any], list[Any], list[Any]]] = {}  # last seen audit/reviews/history

    def teardown(self) -> None:
        self.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def screener(self) -> Screener:
        return self.screeners[self.current]

    # --- submissions ---------------------------------------------------------------------------------------
    def _submit(self, intake: Intake, key: str | None) -> None:
        digest = body_hash(intake.model_dump_json())
        known = self.keys.get(key) if key else None
        event("submit: " + ("new" if known is None else "same key, same body" if self.cases[known].body == digest
                            else "same key, other body"))
        if known is not None and self.cases[known].body != digest:
            with pytest.raises(IdempotencyConflict):
                submit(self.db, intake, screener=self.screener, events=NO_EVENTS, idempotency_key=key,
                       body_hash=digest, source="api")
            return
        done = submit(self.db, intake, screener=self.screener, events=NO_EVENTS, idempotency_key=key,
                      body_hash=digest, source="api")
        if known is not None:  # a replay: the first case and the decision it was given, unchanged
            assert (done.created, done.case.id) == (False, known)
            assert done.decision == self.cases[known].decision
            return
        assert done.created and done.case.id not in self.cases
        decision = self.screener.screen(intake)
        self.cases[done.case.id] = ModelCase(key, digest, intake, decision,
                                             history=[("submitted", decision.ruleset_version)])
        if key:
            self.keys[key] = done.case.id

    @rule(intake=intakes(), key=st.none() | st.sampled_from(KEYS))
    def submit_intake(self, intake: Intake, key: str | None) -> None:
        self._submit(intake, key)

    @precondition(lambda self: self.keys)
    @rule(data=st.data())
    def submit_again(self, data: st.DataObject) -> None:
        """The same request again (a retry): same key, same body."""
        key = data.draw(st.sampled_from(sorted(self.keys)))
        self._submit(self.cases[self.keys[key]].intake, key)

    # --- reviews -------------------------------------------------------------------------------------------
    @precondition(lambda self: self.cases)
    @rule(data=st.data(), action=st.sampled_from(ReviewAction), depth=st.sampled_from(DEPTHS),
          override=st.booleans(), note=st.sampled_from(["", "seen in clinic"]),
          defer_days=st.none() | st.integers(-3, 120), staleness=st.sampled_from([0, 0, 0, 0, -1, 1]))
    def review(self, data: st.DataObject, action: ReviewAction, depth: str, override: bool, note: str,
               defer_days: int | None, staleness: int) -> None:
        """Any decision, complete or not, overriding the rules or not, on the current or a stale version."""
        case_id = data.draw(st.sampled_from(sorted(self.cases)))
        self._review(case_id, action, depth, override, note, defer_days, staleness)

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), action=st.sampled_from(ReviewAction))
    def decide(self, data: st.DataObject, action: ReviewAction) -> None:
        """A complete decision on the current version, with an override reason and note: always recorded."""
        case_id = data.draw(st.sampled_from(sorted(self.cases)))
        assert self._review(case_id, action, "engine", True, "seen in clinic", 30, 0)

    def _review(self, case_id: str, action: ReviewAction, depth: str, override: bool, note: str,
                defer_days: int | None, staleness: int) -> bool:
        model = self.cases[case_id]
        engine = {limit.treatment: limit.limit_mm for limit in model.decision.depth_limits}
        limits: dict[int, float] = {}
        if depth != "missing":
            for index in range(len(model.intake.treatments)):
                mm = engine.get(index, 0.5)
                limits[index] = {"engine": mm, "deeper": min(mm + 0.5, MAX_DEPTH_MM), "shallower": mm / 2}[depth]
        proposal = Proposal(action, limits, None if defer_days is None else current_day() + dt.timedelta(days=defer_days),
                            OverrideReason.CLINICAL_JUDGEMENT if override else None,
                            "judged in clinic" if override else "", note)
        version = model.version + staleness
        expected: type[Exception] | None = ReviewConflict if staleness else None
        found: list[str] = []
        if expected is None:
            try:
                found = check(model.decision, len(model.intake.treatments), proposal, current_day())
            except ReviewRefused:
                expected = ReviewRefused
        event(f"review: {expected.__name__ if expected else 'recorded'}")
        with self.db.session() as session:
            if expected is not None:
                with pytest.raises(expected):
                    record_review(session, case_id, self.reviewer, proposal, expected_version=version,
                                  today=current_day(), events=NO_EVENTS)
                return False
            stored = record_review(session, case_id, self.reviewer, proposal, expected_version=version,
                                   today=current_day(), events=NO_EVENTS)
        reason = proposal.override_reason if found else None
        assert (stored.action, stored.override_reason, stored.case_version) == (action, reason, model.version + 1)
        model.status, model.version, model.reviews = NEW_STATUS[action], model.version + 1, model.reviews + 1
        model.events.append("case.reviewed")
        self.exported.append((case_id, "stateful", action, reason))
        return True

    # --- re-screening --------------------------------------------------------------------------------------
    @rule()
    def change_rules(self) -> None:
        """The clinic switches to the other rule set (the shipped one, or the changed copy)."""
        self.current = 1 - self.current

    @rule(scope_all=st.booleans(), include_decided=st.booleans(), only_changed=st.booleans(),
          batch=st.integers(1, 4))
    def rescreen(self, scope_all: bool, include_decided: bool, only_changed: bool, batch: int) -> None:
        screener = self.screener
        differences = list(preview(self.db, screener, Scope(open_only=not scope_all), batch_size=batch))
        in_scope = {i for i, m in self.cases.items() if scope_all or m.status is ReviewStatus.OPEN}
        assert sorted(d.case_id for d in differences) == sorted(in_scope)
        new = {i: screener.screen(self.cases[i].intake) for i in in_scope}
        for d in differences:
            model = self.cases[d.case_id]
            assert (d.old_outcome, d.old_version) == (model.decision.outcome.value, model.decision.ruleset_version)
            assert (d.new_outcome, d.new_version) == (new[d.case_id].outcome.value, screener.ruleset.version)
        wanted = {d.case_id: d.old_version for d in differences if d.error is None and (d.changed or not only_changed)}
        report = accept(self.db, screener, wanted, new_version=screener.ruleset.version, actor="stateful",
                        include_decided=include_decided, events=NO_EVENTS)
        takes = {i for i in wanted if (include_decided or self.cases[i].status is ReviewStatus.OPEN)
                 and ENGINE_FAILED_FLAG not in new[i].flags}
        event(f"rescreen: accepted {min(len(takes), 3)}+, reopened "
              f"{sum(self.cases[i].status is not ReviewStatus.OPEN for i in takes) > 0}")
        assert {a.case_id for a in report.accepted} == takes
        assert {s.case_id for s in report.skipped} == set(wanted) - takes
        for case_id in takes:
            model = self.cases[case_id]
            reopened = model.status is not ReviewStatus.OPEN
            assert include_decided or not reopened  # never reopened without include_decided
            model.decision, model.status, model.version = new[case_id], ReviewStatus.OPEN, model.version + 1
            model.events += ["case.rescreened"] + (["case.reopened"] if reopened else [])
            model.history.append(("rescreen", screener.ruleset.version))

    @precondition(lambda self: self.cases)
    @rule()
    def accept_under_other_rules(self) -> None:
        """Accepting a preview made under another rule set is refused, and changes nothing."""
        other = self.screeners[1 - self.current]
        wanted = {i: m.decision.ruleset_version for i, m in self.cases.items()}
        with pytest.raises(RescreenRefused):
            accept(self.db, self.screener, wanted, new_version=other.ruleset.version, actor="stateful",
                   include_decided=True, events=NO_EVENTS)

    # --- export --------------------------------------------------------------------------------------------
    @rule()
    def export(self) -> None:
        """The decisions export around today lists every recorded decision once, in order."""
        with self.db.session() as session:
            rows = decisions_between(session, current_day() - dt.timedelta(days=1), current_day() + dt.timedelta(days=1))
            got = [(r.case_id, u.username, r.action, r.override_reason) for r, c, u in rows]
            assert all(c.id == r.case_id for r, c, u in rows)
        assert got == self.exported

    # --- what must hold after every step -------------------------------------------------------------------
    @invariant()
    def store_agrees_with_model(self) -> None:
        with self.db.session() as session:
            assert sorted(c.id for c in list_cases(session, limit=10_000)) == sorted(self.cases)
            for key, case_id in self.keys.items():
                found = find_by_idempotency_key(session, key)
                assert found is not None and found.id == case_id
            for case_id, model in self.cases.items():
                self._case_agrees(session, case_id, model)
            self._queue_agrees(session)

    def _case_agrees(self, session: Any, case_id: str, model: ModelCase) -> None:
        case = get_case(session, case_id)
        assert case is not None
        assert (case.idempotency_key, case.body_hash) == (model.key, model.body)
        assert (case.review_status, case.review_version) == (model.status, model.version)
        assert (case.outcome, case.ruleset_version) == (model.decision.outcome, model.decision.ruleset_version)
        assert case.needs_review == model.decision.needs_review
        assert decision_of(case) == model.decision
        events = snapshot(events_for(session, case_id), "id", "action", "actor", "detail", "ruleset_version", "at")
        reviews = snapshot([r for r, _ in reviews_for(session, case_id)], "id", "action", "depth_limits",
                           "override_reason", "override_note", "note", "case_version", "at")
        history = snapshot(history_of(session, case_id), "id", "reason", "ruleset_version", "decision", "at")
        assert [e[1] for e in events] == model.events
        assert len(reviews) == model.reviews
        assert [(h[1].value, h[2]) for h in history] == model.history
        # Append-only: what was there at the last step is still there, unchanged, in the same order.
        before = self.rows.get(case_id, ([], [], []))
        assert all(is_prefix(old, new) for old, new in zip(before, (events, reviews, history), strict=True))
        self.rows[case_id] = (events, reviews, history)

    def _queue_agrees(self, session: Any) -> None:
        for status in (*ReviewStatus, None):
            flagged = [m for m in self.cases.values() if m.decision.needs_review and status in (None, m.status)]
            page = queue(session, status=status, per_page=1000)
            assert page.total == len(flagged)
            assert page.counts == {o: sum(m.decision.outcome is o for m in flagged)
                                   for o in Outcome if o.severity > 1}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A store at the newest schema with one practitioner (argon2 is slow on purpose: hash once), closed."""
    folder = tmp_path_factory.mktemp("case-store-template")
    database = Database(database_url(None, folder))
    with database.session() as session:
        reviewer = add_user(session, "stateful", "a passphrase for the model", display_name="Model").id
    database.dispose()
    return folder, reviewer


@pytest.fixture(scope="module")
def two_rule_sets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Screener, Screener]:
    changed = Screener.from_directory(changed_rules(tmp_path_factory.mktemp("rules") / "rules"))
    shipped = Screener.from_directory(None)
    assert shipped.ruleset.version != changed.ruleset.version
    return shipped, changed


def test_the_case_store_agrees_with_a_simple_model(two_rule_sets: tuple[Screener, Screener],
                                                   template: tuple[Path, int]) -> None:
    CaseStore.screeners = two_rule_sets
    CaseStore.template, CaseStore.reviewer = template
    # Each example is a new database and up to 40 steps: a tenth of the profile's examples (dev 10, ci 30).
    run_state_machine_as_test(CaseStore, settings=settings(
        max_examples=max(5, settings.default.max_examples // 10), stateful_step_count=40, deadline=None))
