"""Clinical scenarios: what the rules must decide, written by clinicians as data in `rules/scenarios/*.yaml`.

Each scenario is an all-clear intake plus the answers that differ, and the decision expected (outcome, earliest
date, depth limits, instruction phrases and dates, rules fired, headline). `run_scenarios` screens each one on a
compiled engine and returns the failures; `verify` raises when any fails, so a rule set that no longer decides
what the spec says is refused before it serves (Screener). Parse errors name the file, the scenario and the key.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .deciding.combine import combine
from .decision import Decision
from .errors import RuleFileError
from .intake import Intake
from .intake.facts import all_clear_answers
from .matching.engine import Engine
from .rules.model import RuleSet
from .rules.parsing import parse_yaml
from .vocabulary import Outcome

FOLDER = "scenarios/"
PROFILE_CHOICES = ("conservative", "standard", "any")
DEFAULT_SCREENING = dt.date(2026, 3, 1)
DEFAULT_TREATMENTS = ({"area": "cheeks", "concern": "rejuvenation"},)
SCENARIO_KEYS = {"id", "spec", "profile", "screening_date", "appointment_date", "answers", "treatments", "expect"}
EXPECT_KEYS = {"outcome", "earliest_date", "depth_mm", "instructions_include", "instructions_exclude",
               "instruction_dates", "rules_include", "rules_exclude", "headline_includes", "flags_include"}
NONE = "none"


@dataclass(frozen=True)
class Scenario:
    """One scenario as written: where it is, the spec line it checks, the intake and what is expected."""

    id: str
    file: str
    spec: str
    profile: str
    intake: Intake
    expect: Mapping[str, Any]

    def applies_to(self, profile: str) -> bool:
        return self.profile in ("any", profile)


@dataclass(frozen=True)
class Failure:
    """A scenario whose decision differs from what was expected: each difference, and the rules that fired."""

    scenario: Scenario
    problems: tuple[tuple[str, str, str], ...]  # (what, expected, got)
    fired: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        """Several lines a clinician can read."""
        lines = [f"scenario {self.scenario.id} ({self.scenario.file})", f"  spec: {self.scenario.spec}"]
        for what, expected, got in self.problems:
            lines.append(f"  {what}: expected {expected}, got {got}")
        lines.append(f"  rules that fired: {', '.join(self.fired) or '(none)'}")
        return "\n".join(lines)

    def summary(self) -> str:
        """One line: the scenario and its first difference."""
        what, expected, got = self.problems[0]
        return f"{self.scenario.id}: {what} expected {expected}, got {got}"


def _error(message: str, file: str, scenario: str | None, key: str | None = None) -> RuleFileError:
    return RuleFileError(message, file=file, rule_id=f"scenario {scenario}" if scenario else None, field=key)


def _date(value: Any, file: str, sid: str, key: str, allow_none: bool = False) -> dt.date | None:
    if allow_none and (value is None or value == NONE):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _error("must be a date (YYYY-MM-DD)" + (" or none" if allow_none else ""), file, sid, key) from None


def _texts(value: Any, file: str, sid: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _error("must be a list of text", file, sid, key)
    return tuple(value)


def _check_expect(raw: Any, file: str, sid: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or "outcome" not in raw:
        raise _error("'expect' must be a mapping with an 'outcome'", file, sid, "expect")
    for key in raw:
        if key not in EXPECT_KEYS:
            raise _error("unknown key", file, sid, f"expect.{key}")
    expect: dict[str, Any] = {}
    try:
        expect["outcome"] = Outcome(str(raw["outcome"]))
    except ValueError:
        raise _error("not an outcome (suitable, suitable_with_precautions, review, defer, not_suitable)",
                     file, sid, "expect.outcome") from None
    if "earliest_date" in raw:
        expect["earliest_date"] = _date(raw["earliest_date"], file, sid, "expect.earliest_date", allow_none=True)
    if "depth_mm" in raw:
        depth = raw["depth_mm"]
        if not isinstance(depth, dict) or not all(isinstance(k, str) and k.count("/") == 1 for k in depth):
            raise _error("must map 'area/concern' to a limit in mm", file, sid, "expect.depth_mm")
        expect["depth_mm"] = {}
        for key, value in depth.items():
            if value != NONE and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise _error(f"the limit of {key} must be a number of mm or none", file, sid, "expect.depth_mm")
            expect["depth_mm"][key] = None if value == NONE else float(value)
    for key in ("instructions_include", "instructions_exclude", "rules_include", "rules_exclude",
                "headline_includes", "flags_include"):
        if key in raw:
            expect[key] = _texts(raw[key], file, sid, f"expect.{key}")
    if "instruction_dates" in raw:
        dates = raw["instruction_dates"]
        if not isinstance(dates, dict):
            raise _error("must map an instruction id to a date or none", file, sid, "expect.instruction_dates")
        expect["instruction_dates"] = {
            str(k): _date(v, file, sid, f"expect.instruction_dates.{k}", allow_none=True) for k, v in dates.items()}
    return expect


def _intake(raw: Mapping[str, Any], file: str, sid: str) -> Intake:
    answers = raw.get("answers") or {}
    if not isinstance(answers, dict):
        raise _error("'answers' must be a mapping of intake field to answer", file, sid, "answers")
    for key in answers:
        if key not in Intake.model_fields:
            raise _error("not an intake field", file, sid, f"answers.{key}")
    treatments = raw.get("treatments", list(DEFAULT_TREATMENTS))
    if not isinstance(treatments, list):
        raise _error("'treatments' must be a list of {area, concern}", file, sid, "treatments")
    data = all_clear_answers() | {"treatments": treatments}
    data["screening_date"] = _date(raw.get("screening_date", DEFAULT_SCREENING), file, sid, "screening_date")
    if raw.get("appointment_date") is not None:
        data["appointment_date"] = _date(raw["appointment_date"], file, sid, "appointment_date")
    data.update(answers)
    data = {k: v for k, v in data.items() if v is not None}
    try:
        return Intake.model_validate_json(json.dumps(data, default=str))
    except ValidationError as exc:
        first = exc.errors(include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "answers"
        key = where if where.startswith("treatments") else f"answers.{where}"
        raise _error(f"the intake is invalid: {first['msg']}", file, sid, key) from None


def parse_scenario_file(name: str, text: str) -> list[Scenario]:
    """The scenarios of one file; any problem names the file, the scenario and the key."""
    data = parse_yaml(name, text)
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        raise _error("a scenario file must hold a 'scenarios:' list", name, None)
    found: list[Scenario] = []
    for index, raw in enumerate(data["scenarios"]):
        if not isinstance(raw, dict):
            raise _error(f"scenario #{index + 1} must be a mapping", name, None)
        sid = str(raw.get("id", "")).strip()
        if not sid or not all(part.isalnum() and (part.islower() or part.isdigit()) for part in sid.split("-")):
            raise _error(f"scenario #{index + 1} needs an id in kebab-case", name, sid or None, "id")
        for key in raw:
            if key not in SCENARIO_KEYS:
                raise _error("unknown key", name, sid, str(key))
        spec = raw.get("spec")
        if not isinstance(spec, str) or not spec.strip():
            raise _error("'spec' must name the line of the spec it checks", name, sid, "spec")
        profile = str(raw.get("profile", "conservative"))
        if profile not in PROFILE_CHOICES:
            raise _error("profile must be conservative, standard or any", name, sid, "profile")
        found.append(Scenario(sid, name, spec.strip(), profile, _intake(raw, name, sid),
                              _check_expect(raw.get("expect"), name, sid)))
    return found


def parse_scenarios(files: Mapping[str, str]) -> list[Scenario]:
    """Every scenario of a rule set's files (those under scenarios/); ids are unique across files."""
    scenarios: list[Scenario] = []
    seen: dict[str, str] = {}
    for name in sorted(files):
        if not (name.startswith(FOLDER) and name.endswith((".yaml", ".yml"))):
            continue
        for scenario in parse_scenario_file(name, files[name]):
            if scenario.id in seen:
                raise _error(f"duplicate scenario id (also in {seen[scenario.id]})", name, scenario.id, "id")
            seen[scenario.id] = name
            scenarios.append(scenario)
    return scenarios


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g} mm"
    if isinstance(value, (set, frozenset, list, tuple)):
        return ", ".join(sorted(str(v) for v in value)) or "nothing"
    return str(value.value if isinstance(value, Outcome) else value)


def compare(scenario: Scenario, decision: Decision, fired: Iterable[str]) -> Failure | None:
    """The differences between what the scenario expects and the decision, or None if there are none."""
    expect, problems = scenario.expect, []
    fired_set = set(fired)
    if decision.outcome is not expect["outcome"]:
        problems.append(("outcome", _fmt(expect["outcome"]), _fmt(decision.outcome)))
    if "earliest_date" in expect and decision.earliest_date != expect["earliest_date"]:
        problems.append(("earliest date", _fmt(expect["earliest_date"]), _fmt(decision.earliest_date)))
    limits = {f"{d.area.value}/{d.concern.value}": (d.limit_mm, d.set_by) for d in decision.depth_limits}
    for key, want in expect.get("depth_mm", {}).items():
        got, by = limits.get(key, (None, None))
        if got != want:
            problems.append((f"depth limit {key}", _fmt(want), _fmt(got) + (f" (set by {by})" if by else "")))
    texts = [i.text.casefold() for i in decision.instructions]
    for phrase in expect.get("instructions_include", ()):
        if not any(phrase.casefold() in text for text in texts):
            problems.append(("instructions", f"one containing {phrase!r}", "none does"))
    for phrase in expect.get("instructions_exclude", ()):
        if any(phrase.casefold() in text for text in texts):
            problems.append(("instructions", f"none containing {phrase!r}", "one does"))
    starts = {i.id: i.starts for i in decision.instructions}
    for ref, day in expect.get("instruction_dates", {}).items():
        if ref not in starts:
            problems.append((f"instruction {ref}", f"starting {_fmt(day)}", "not given"))
        elif starts[ref] != day:
            problems.append((f"instruction {ref} starts", _fmt(day), _fmt(starts[ref])))
    for rule_id in expect.get("rules_include", ()):
        if rule_id not in fired_set:
            problems.append((f"rule {rule_id}", "fired", "did not fire"))
    for rule_id in expect.get("rules_exclude", ()):
        if rule_id in fired_set:
            problems.append((f"rule {rule_id}", "not fired", "fired"))
    for flag in expect.get("flags_include", ()):
        if flag not in decision.flags:
            problems.append(("flags", f"including {flag}", _fmt(decision.flags)))
    if "headline_includes" in expect:
        headline = getattr(decision, "headline", None)
        if not isinstance(headline, str):
            problems.append(("headline", "a headline", "this decision has no headline"))
        else:
            for phrase in expect["headline_includes"]:
                if phrase.casefold() not in headline.casefold():
                    problems.append(("headline", f"containing {phrase!r}", repr(headline)))
    return Failure(scenario, tuple(problems), tuple(sorted(fired_set))) if problems else None


def run_scenarios(ruleset: RuleSet, engine: Engine, scenarios: Iterable[Scenario] | None = None) -> list[Failure]:
    """Screen every scenario that applies to the rule set's profile on `engine`; the failures, in file order."""
    failures = []
    for scenario in parse_scenarios(ruleset.files) if scenarios is None else scenarios:
        if not scenario.applies_to(ruleset.profile):
            continue
        matches = engine.match_intake(scenario.intake)
        decision = combine(ruleset, scenario.intake, matches)
        fired = {rule_id for rule_id, _ in matches} | {f.rule_id for f in decision.findings}
        failure = compare(scenario, decision, fired)
        if failure is not None:
            failures.append(failure)
    return failures


_passed: set[tuple[str, str]] = set()  # (version, profile) whose scenarios passed in this process
_passed_lock = threading.Lock()
MAX_LISTED = 3


def verify(ruleset: RuleSet, engine: Engine) -> None:
    """Raise RuleFileError naming the failing scenarios if any fails (the rule set must not serve)."""
    key = (ruleset.version, ruleset.profile)
    with _passed_lock:
        if key in _passed:
            return
    failures = run_scenarios(ruleset, engine)
    if failures:
        listed = "; ".join(f.summary() for f in failures[:MAX_LISTED])
        more = f" and {len(failures) - MAX_LISTED} more" if len(failures) > MAX_LISTED else ""
        raise RuleFileError(f"{len(failures)} clinical scenario(s) fail under profile {ruleset.profile}: "
                            f"{listed}{more} (run `suitability rules test` for each one)",
                            file=failures[0].scenario.file)
    with _passed_lock:
        _passed.add(key)


def check_ruleset(ruleset: RuleSet) -> None:
    """Compile the rule set on an engine of its own and run its scenarios on it (`verify`), then free it."""
    engine = Engine(ruleset)
    try:
        verify(ruleset, engine)
    finally:
        engine.close()


__all__ = ["Failure", "Scenario", "check_ruleset", "compare", "parse_scenario_file", "parse_scenarios",
           "run_scenarios", "verify"]
