"""The durable-rules adapter: fail-safe on any engine failure, isolated sessions, safe under threads and reloads."""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.common.evaluator import evaluate
from tests.common.rules_support import reseal
from tests.common.strategies import CHOICES, EVENT_DATES, intakes

from suitability import EngineError, Intake, Outcome, RuleSet, Screener, load_rules
from suitability.intake.facts import FIELDS, intake_to_facts
from suitability.matching.engine import Engine
from suitability.rules.coverage import SCREEN_FAILED
from suitability.rules.loading import default_rules_dir, parse_rule
from suitability.screening import ENGINE_FAILED_FLAG


def make_intake(**answers: Any) -> Intake:
    data: dict[str, Any] = {"setting": "clinic", "age": 30, "screening_date": "2026-03-02",
                            "treatments": [{"area": "cheeks", "concern": "acne_scars"}]}
    return Intake.model_validate_json(json.dumps({**data, **answers}))


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules()


@pytest.fixture()
def screener(ruleset: RuleSet) -> Screener:
    return Screener(ruleset)


def assert_failed_safe(decision: Any) -> None:
    assert decision.outcome is Outcome.REVIEW
    assert ENGINE_FAILED_FLAG in decision.flags
    assert [f.rule_id for f in decision.findings] == [SCREEN_FAILED]
    assert decision.depth_limits == ()


def assert_not_failed(decision: Any) -> None:
    assert ENGINE_FAILED_FLAG not in decision.flags
    assert SCREEN_FAILED not in {f.rule_id for f in decision.findings}


# --- fail-safe --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("error", [EngineError("boom"), RuntimeError("a bug"), KeyError("x"), MemoryError()])
def test_an_engine_failure_gives_review_with_a_flag_and_the_next_screening_is_normal(
        screener: Screener, monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    intake = make_intake()
    normal = screener.screen(intake)
    assert_not_failed(normal)

    def explode(self: Engine, intake: Intake) -> frozenset[Any]:
        raise error

    monkeypatch.setattr(Engine, "match_intake", explode)
    failed = screener.screen(intake)
    assert_failed_safe(failed)
    assert failed.ruleset_version == normal.ruleset_version
    monkeypatch.undo()
    assert screener.screen(intake) == normal


def test_a_bug_while_combining_gives_review_too(screener: Screener, monkeypatch: pytest.MonkeyPatch) -> None:
    from suitability import screening

    def broken(*args: Any) -> Any:
        raise ZeroDivisionError

    monkeypatch.setattr(screening, "combine", broken)
    assert_failed_safe(screener.screen(make_intake()))


def _overloaded(ruleset: RuleSet, count: int = 70) -> RuleSet:
    """`count` rules on distinct tests of one fact: durable-rules stops at 64 simultaneous matches (error 303).
    The coverage check refuses such a rule set, so it is built directly."""
    extra = tuple(parse_rule({"id": f"overload-{i}", "title": "t", "outcome": "review", "patient": "p",
                              "rationale": "r", "sources": ["test"], "when": {"age": {"at_least": i}}},
                             "overload.yaml") for i in range(count))
    return replace(ruleset, rules=ruleset.rules + extra)


def test_a_real_engine_error_gives_review_and_leaves_later_screenings_alone(ruleset: RuleSet) -> None:
    good = Screener(ruleset)
    bad = Screener(_overloaded(ruleset))
    engine = bad._current[1]
    older, younger = make_intake(age=80), make_intake(age=30)  # 70 and 31 overload rules match
    expected = good.screen(younger)

    with pytest.raises(EngineError, match="303"):
        engine.match(intake_to_facts(older))
    for _ in range(20):  # again and again: the session is deleted each time, nothing is poisoned
        assert_failed_safe(bad.screen(older))
        decision = bad.screen(younger)
        assert_not_failed(decision)
        assert decision.outcome.severity >= Outcome.REVIEW.severity
        assert {f.rule_id for f in decision.findings} - {f"overload-{i}" for i in range(31)} == \
            {f.rule_id for f in expected.findings}
        assert good.screen(younger) == expected


def test_more_than_1024_screenings_in_a_row_work(screener: Screener) -> None:
    """durable-rules has 1,024 session slots: each screening must delete its own."""
    intakes_ = [make_intake(age=age) for age in range(18, 90)]
    engine = screener._current[1]
    for i in range(1100):
        intake = intakes_[i % len(intakes_)]
        assert engine.match(intake_to_facts(intake))  # every intake matches some rule (at least the depth caps)
    for i in range(1100):
        assert_not_failed(screener.screen(intakes_[i % len(intakes_)]))


def _session_facts(engine: Engine) -> str:
    """What the engine's one session holds now, as durable-rules reports it ("[]" when empty)."""
    import durable_rules_engine

    from suitability.matching.engine import SESSION
    try:
        return str(durable_rules_engine.get_facts(engine._handle, SESSION))
    except durable_rules_engine.error:
        return "[]"  # no session at all: deleted


@settings(max_examples=40)
@given(intakes())
def test_every_screening_leaves_the_engine_session_empty(ruleset: RuleSet, intake: Intake) -> None:
    """The session is reused (a fresh one costs ~1.4 MB of zeroed tables), so it must be empty after each screening."""
    engine = _shared_engine(ruleset)
    assert engine.match(intake_to_facts(intake)) == engine.match(intake_to_facts(intake))
    assert _session_facts(engine) == "[]"


_ENGINES: dict[str, Engine] = {}


def _shared_engine(ruleset: RuleSet) -> Engine:
    """One engine across hypothesis examples, so each example meets the session the previous one used."""
    return _ENGINES.setdefault(ruleset.version, Engine(ruleset))


def test_a_session_left_holding_facts_would_hide_matches_so_it_is_deleted(
        ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the emptiness check exists: durable-rules does not match a fact already in the session again (it
    refuses the batch, or, when a later fact matched nothing, reports only that), so leftovers would lose
    findings. With retraction broken, the check deletes the session and nothing is lost."""
    import durable_rules_engine

    intake = make_intake(age=16)
    engine = Engine(ruleset)
    expected = engine.match(intake_to_facts(intake))
    assert ("age-under-18", None) in expected
    monkeypatch.setattr(durable_rules_engine, "retract_facts", lambda handle, batch: (0, 0))  # retracts nothing

    deleted: list[int] = []
    delete = Engine._delete_session

    def counting(self: Engine) -> None:
        deleted.append(1)
        delete(self)

    monkeypatch.setattr(Engine, "_delete_session", counting)
    for _ in range(3):
        assert engine.match(intake_to_facts(intake)) == expected
    assert len(deleted) == 3 and _session_facts(engine) == "[]"

    monkeypatch.setattr(Engine, "_delete_session", lambda self: None)  # now also nothing deletes the session
    assert engine.match(intake_to_facts(intake)) == expected  # the first screening of a dirty session is right...
    try:
        dirty: frozenset[Any] | None = engine.match(intake_to_facts(intake))
    except EngineError:
        dirty = None
    assert dirty != expected  # ...the next one does not see what the leftovers hide
    monkeypatch.undo()
    engine.close()


def test_the_session_is_deleted_outright_every_so_often(ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    from suitability.matching import engine as engine_module

    engine = Engine(ruleset)
    deleted: list[int] = []
    delete = Engine._delete_session
    monkeypatch.setattr(Engine, "_delete_session", lambda self: (deleted.append(1), delete(self))[1])
    facts = intake_to_facts(make_intake())
    for _ in range(2 * engine_module.RECYCLE_AFTER + 5):
        engine.match(facts)
    assert len(deleted) == 2
    engine.close()


# --- threads -----------------------------------------------------------------------------------------------------

def _run_threads(count: int, work: Any) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(index: int) -> None:
        try:
            work(index)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a screening thread hung"
    return errors


@settings(max_examples=2)
@given(st.lists(intakes(), min_size=24, max_size=24))
def test_eight_threads_get_exactly_the_decisions_of_serial_screening(ruleset: RuleSet, batch: list[Intake]) -> None:
    screener = Screener(ruleset)
    serial = [screener.screen(intake).model_dump_json() for intake in batch]
    mixed: list[list[tuple[int, str]]] = [[] for _ in range(8)]

    def work(thread: int) -> None:
        for round_ in range(10):
            for index in range(thread, len(batch), 3 if round_ % 2 else 8):
                mixed[thread].append((index, screener.screen(batch[index]).model_dump_json()))

    assert _run_threads(8, work) == []
    for results in mixed:
        assert results
        for index, decision in results:
            assert decision == serial[index]


# --- reload ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rule_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The shipped rules; a copy whose content (a comment) differs; a copy with a misspelt field."""
    base = tmp_path_factory.mktemp("reload")
    same, other, broken = base / "same", base / "other", base / "broken"
    for target in (same, other, broken):
        shutil.copytree(default_rules_dir(), target)
    with (other / "ruleset.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n# a comment changes the version, not the decisions\n")
    first = next(p for p in sorted(broken.glob("*.yaml")) if "pregnant:" in p.read_text(encoding="utf-8"))
    first.write_text(first.read_text(encoding="utf-8").replace("pregnant:", "pregnnt:", 1), encoding="utf-8")
    reseal(other)
    reseal(broken)
    return same, other, broken


def test_reloading_broken_rules_keeps_the_old_ones_and_says_why(screener: Screener,
                                                                  rule_dirs: tuple[Path, Path, Path]) -> None:
    before = screener.ruleset.version
    expected = screener.screen(make_intake())
    assert screener.reload(rule_dirs[2]) is False
    assert screener.ruleset.version == before
    assert screener.last_error is not None and "pregnnt" in screener.last_error
    assert screener.screen(make_intake()) == expected


def test_reloading_good_rules_swaps_the_version(screener: Screener, rule_dirs: tuple[Path, Path, Path]) -> None:
    old_engine = screener._current[1]
    before = screener.screen(make_intake())
    assert screener.reload(rule_dirs[1]) is True
    assert screener.last_error is None
    assert screener.ruleset.version != before.ruleset_version
    after = screener.screen(make_intake())
    assert after.ruleset_version == screener.ruleset.version
    assert after.model_copy(update={"ruleset_version": before.ruleset_version}) == before
    with pytest.raises(EngineError):
        old_engine.match(intake_to_facts(make_intake()))  # the old ruleset was freed


def test_screening_while_another_thread_reloads_never_errors(ruleset: RuleSet,
                                                              rule_dirs: tuple[Path, Path, Path]) -> None:
    screener = Screener(ruleset)
    same, other, broken = rule_dirs
    intakes_ = [make_intake(age=age, pregnant=answer) for age in (17, 19, 30, 70) for answer in ("yes", "no")]
    expected = [screener.screen(i).model_dump(exclude={"ruleset_version"}) for i in intakes_]
    versions = {screener.ruleset.version, load_rules(other).version}
    done = threading.Event()

    def work(thread: int) -> None:
        if thread == 0:
            try:
                for i in range(12):
                    assert screener.reload((same, other, broken)[i % 3]) is (i % 3 != 2)
            finally:
                done.set()
            return
        while not done.is_set():
            for intake, want in zip(intakes_, expected, strict=True):
                decision = screener.screen(intake)
                assert_not_failed(decision)
                assert decision.ruleset_version in versions
                assert decision.model_dump(exclude={"ruleset_version"}) == want

    assert _run_threads(4, work) == []


# --- rules the engine cannot run as written are refused at load, naming the file, the rule and the field ---------

@pytest.mark.parametrize("key", ["wait", "less_strict"])
def test_a_wait_on_a_date_the_rule_cannot_see_is_refused_at_load(key: str) -> None:
    """The compiled rule would test a field its fact never carries, so it would silently never match."""
    from suitability import RuleFileError

    wait = {"after": "sunburn_date", "days": 14, "once_passed": "lapses"}
    raw: dict[str, Any] = {"id": "cross-topic-wait", "title": "t", "outcome": "defer", "patient": "p",
                           "rationale": "r", "sources": ["test"], "when": {"pregnant": "no"}}
    if key == "wait":
        raw["wait"] = wait
    else:
        raw["less_strict"] = {"reading": "r", "held_by": "h", "wait": wait}
    with pytest.raises(RuleFileError, match="sunburn_date") as caught:
        parse_rule(raw, "pregnancy.yaml")
    error = caught.value
    assert (error.file, error.rule_id, error.field) == ("pregnancy.yaml", "cross-topic-wait",
                                                        "wait" if key == "wait" else "less_strict.wait")


def test_a_wait_on_a_date_of_the_rules_own_topic_is_accepted_and_matches() -> None:
    raw = {"id": "same-topic-wait", "title": "t", "outcome": "defer", "patient": "p", "rationale": "r",
           "sources": ["test"], "when": {"sunburn": "yes"},
           "wait": {"after": "sunburn_date", "days": 14, "once_passed": "lapses"}}
    assert parse_rule(raw, "skin-today.yaml").wait is not None


def _health_choices(count: int) -> list[str]:
    fields = [n for n, f in FIELDS.items() if f.topic == "health" and f.kind == "choice"][:count]
    assert len(fields) == count
    return fields


def test_a_rule_too_complex_for_the_engine_is_refused_at_load_naming_it() -> None:
    """Measured: a compiled rule is accepted iff it has at most 15 $and/$or nodes: the body's $and, plus the $or
    and one $and per group when there are several groups (lists of values compile to no node of their own)."""
    from suitability import RuleFileError

    raw = {"id": "too-complex", "title": "t", "outcome": "review", "patient": "p", "rationale": "r",
           "sources": ["test"], "when_any": [{name: "not_sure"} for name in _health_choices(14)]}
    with pytest.raises(RuleFileError, match="too complex") as caught:
        parse_rule(raw, "health.yaml")
    error = caught.value
    assert (error.file, error.rule_id, error.field) == ("health.yaml", "too-complex", "when_any")


@pytest.mark.parametrize(("groups", "accepted"), [(13, True), (14, False)])
def test_the_loader_limit_is_exactly_what_the_engine_accepts(ruleset: RuleSet, groups: int, accepted: bool) -> None:
    """The loader's count agrees with durable-rules itself: what it accepts compiles, what it refuses would not."""
    from suitability.rules.compiler import compile_rule
    from suitability.rules.loading import Rule
    from suitability.rules.parsing import engine_nodes

    fields = _health_choices(groups)
    raw = {"id": "edge", "title": "t", "outcome": "review", "patient": "p", "rationale": "r",
           "sources": ["test"], "when_any": [{name: "not_sure"} for name in fields]}
    if accepted:
        rule = parse_rule(raw, "health.yaml")
        Engine(replace(ruleset, rules=ruleset.rules + (rule,))).close()
        return
    probe = parse_rule({**raw, "when_any": raw["when_any"][:1]}, "health.yaml")  # a valid rule to widen
    too_wide = Rule(**{**probe.__dict__, "alternatives": tuple(
        parse_rule({**raw, "when_any": [g]}, "health.yaml").alternatives[0] for g in raw["when_any"])})
    assert engine_nodes(compile_rule(too_wide)) == 16
    with pytest.raises(EngineError, match="113"):
        Engine(replace(ruleset, rules=ruleset.rules + (too_wide,))).close()


# --- the 64-match limit ----------------------------------------------------------------------------------------------

def _riskiest(ruleset: RuleSet, topic: str) -> tuple[Intake, int]:
    """Hill-climb the answers of one topic to the intake that matches the most rules on that topic's fact."""
    screening = "2026-03-02"
    answers: dict[str, Any] = {"setting": "home", "modality": "rf", "age": 19, "screening_date": screening,
                               "treatments": [{"area": a, "concern": c} for a, c in
                                              [("cheeks", "acne_scars"), ("forehead", "melasma"), ("neck", "laxity"),
                                               ("abdomen", "stretch_marks"), ("nose", "surgical_scars")]]}
    options: dict[str, list[Any]] = {n: [e.value for e in CHOICES[n]] + [None] for n in CHOICES}
    options.update({n: [screening, None] for n in EVENT_DATES})
    options["age"] = [None, 0, 17, 18, 19, 21, 22, 60]
    fields = [n for n in options if FIELDS[n].topic == topic]
    ids = {r.id for r in ruleset.matchable if r.topic == topic}

    def count(candidate: dict[str, Any]) -> int:
        try:
            intake = Intake.model_validate_json(json.dumps(candidate))
        except ValidationError:  # contradictory answers are refused before any screening: never matched
            return -1
        return len({rule for rule, _ in evaluate(ruleset, intake_to_facts(intake)) if rule in ids})

    best = count(answers)
    for _ in range(2):
        for name in fields:
            for value in options[name]:
                trial = {**answers, name: value}
                score = count(trial)
                if score > best:
                    answers, best = trial, score
    return Intake.model_validate_json(json.dumps(answers)), best


@pytest.mark.parametrize("topic", sorted({f.topic for f in FIELDS.values()} - {"*", "treatment"}))
def test_the_riskiest_answers_of_a_topic_stay_inside_the_engine_limits(ruleset: RuleSet, topic: str) -> None:
    intake, matches = _riskiest(ruleset, topic)
    assert matches < 60, f"{matches} rules match the {topic} fact at once; durable-rules fails past 64"
    decision = Screener(ruleset).screen(intake)
    assert_not_failed(decision)


# --- one action per match --------------------------------------------------------------------------------------

@settings(max_examples=30)
@given(intakes())
def test_each_match_fires_exactly_one_action_plus_the_catch_all(ruleset: RuleSet, intake: Intake) -> None:
    """Lists of values compile to "none of the others" rather than `$or` (which fires once per true branch), and
    there is a single catch-all: the agenda holds one entry per (rule, treatment) match and one more."""
    engine = Engine(ruleset)
    entries: list[str] = []
    original = engine._fired

    def counting(frame: str) -> Any:
        entries.append(frame)
        return original(frame)

    engine._fired = counting  # type: ignore[method-assign]
    try:
        matches = engine.match(intake_to_facts(intake))
    finally:
        engine.close()
    assert matches == evaluate(ruleset, intake_to_facts(intake))
    assert len(entries) == len(matches) + 1


def test_a_list_of_values_compiles_without_an_or() -> None:
    from suitability.rules.compiler import compile_rule

    other = next(name for name in _health_choices(5) if name != "diabetes")
    raw = {"id": "listed", "title": "t", "outcome": "review", "patient": "p", "rationale": "r",
           "sources": ["test"], "when": {"diabetes": ["controlled", "uncontrolled"], other: {"not": ["no"]}}}
    assert "$or" not in json.dumps(compile_rule(parse_rule(raw, "health.yaml")))


# --- the batch written as text -----------------------------------------------------------------------------------

@settings(max_examples=30)
@given(intakes())
def test_the_batch_text_is_the_json_of_the_slimmed_facts(ruleset: RuleSet, intake: Intake) -> None:
    """_messages writes the JSON itself; it must say exactly what json.dumps of the tested fields would."""
    engine = Engine(ruleset)
    try:
        facts = intake_to_facts(intake)
        batch = json.loads(engine._messages(facts, "7"))
        kept = [f for f in facts if f["t"] in engine._fields]
        assert [{k: v for k, v in b.items() if k not in ("sid", "id")} for b in batch] == \
            [{k: f[k] for k in engine._fields[f["t"]] if k in f} for f in kept]
        assert [(b["sid"], b["id"]) for b in batch] == [("7", f"7.{facts.index(f)}") for f in kept]
    finally:
        engine.close()


@pytest.mark.parametrize("value", [True, 1.5, None, ["no"], {"a": 1}])
def test_a_fact_value_that_is_not_an_int_or_a_string_never_reaches_the_engine(ruleset: RuleSet,
                                                                              value: Any) -> None:
    engine = Engine(ruleset)
    try:
        facts = intake_to_facts(make_intake())
        about = next(f for f in facts if "age" in f)
        about["age"] = value
        with pytest.raises(EngineError, match="only ints and strings"):
            engine.match(facts)
        assert engine.match(intake_to_facts(make_intake())) == evaluate(ruleset, intake_to_facts(make_intake()))
    finally:
        engine.close()


def test_a_string_value_is_escaped_as_json(ruleset: RuleSet) -> None:
    engine = Engine(ruleset)
    try:
        facts = [{"t": "screening", "setting": 'cl"in\\ic\n', "modality": "mechanical"}]
        assert json.loads(engine._messages(facts, "1"))[0]["setting"] == 'cl"in\\ic\n'
    finally:
        engine.close()
