"""Combine the rules that fired into one decision: outcome, depth limits, earliest date and instructions.

Priority for the outcome, minimum for depth, latest for dates, an ordered union for instructions. Plain
Python, no engine.

Speed (docs/performance.md): the parts of a decision that depend on little are built once and reused (they are
immutable): the dated instructions depend only on the appointment date and which rules asked for them; a
finding without a wait only on its rule and the treatment it matched; a depth limit only on its treatment and
the caps that applied. (pydantic's `model_construct` was measured slower than validating these small models,
so they are validated as usual.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from ..clock import fmt_date
from ..decision import Decision, DepthLimit, Finding, Instruction, Phase
from ..errors import EngineError
from ..intake import Intake
from ..intake.facts import add_months, event_date
from ..rules.model import InstructionSpec, Rule, RuleSet
from ..vocabulary import Outcome
from .validity import asked_again, valid_until

APPOINTMENT_TOO_SOON = "appointment-before-earliest-date"
DEEPER_THAN_EVALUATED = "depth-above-{mm}-mm"




def _first(pair: tuple[int, Finding]) -> int:
    return pair[0]


def wait_end(rule: Rule, intake: Intake) -> tuple[dt.date | None, dict[str, str]]:
    """When the rule's wait ends, and the values that explain it."""
    if rule.wait is None:
        return None, {}
    start = event_date(intake, rule.wait.after)
    if start is None:
        return None, {}
    period = rule.wait.period
    end = add_months(start, period.months) if period.months else start + dt.timedelta(days=period.days)
    given = getattr(intake, rule.wait.after)
    values = {
        rule.wait.after: given.isoformat() if given else f"still in use on {intake.screening_date.isoformat()}",
        "wait": str(period),
        "until": end.isoformat(),
    }
    return end, values


_KEPT = 10_000  # reused parts kept per rule set (a few MB at most); past it the memo starts again


def make_finding(rule: Rule, intake: Intake, treatment: int | None, ruleset: RuleSet | None = None) -> Finding:
    """The finding of a matched rule; one without a wait is the same for every intake with the same request,
    so it is kept in the rule set's memo and reused."""
    if rule.wait is not None or ruleset is None:
        return _make_finding(rule, intake, treatment)
    request = intake.treatments[treatment] if treatment is not None else None
    key = ("finding", rule.id, treatment, request.area._value_ if request else None,
           request.concern._value_ if request else None)  # values: an enum member hashes in Python, slowly
    memo = ruleset.memo
    found = memo.get(key)
    if found is None:
        if len(memo) > _KEPT:
            memo.clear()
        found = memo[key] = _make_finding(rule, intake, treatment)
    assert isinstance(found, Finding)
    return found


def _make_finding(rule: Rule, intake: Intake, treatment: int | None) -> Finding:
    assert rule.outcome is not None
    end, values = wait_end(rule, intake)
    if treatment is not None:
        request = intake.treatments[treatment]
        values = {**values, "area": request.area.value, "concern": request.concern.value}
    return Finding(
        rule_id=rule.id, title=rule.title, outcome=rule.outcome, patient_text=rule.patient,
        rationale=rule.rationale, sources=rule.sources, evidence=rule.evidence, treatment=treatment,
        values=values, wait_until=end, wait_for=rule.wait_for, less_strict=rule.less_strict_reading,
    )


def depth_limits(ruleset: RuleSet, intake: Intake, matches: Iterable[tuple[Rule, int | None]]) -> list[DepthLimit]:
    """Per treatment, the smallest cap wins (ties: the rule id that sorts first, so file order never matters)."""
    caps: dict[int, dict[str, float]] = {i: {} for i in range(len(intake.treatments))}
    for rule, treatment in matches:
        if rule.depth_cap_mm is not None and treatment is not None:
            caps[treatment][rule.id] = rule.depth_cap_mm
    limits = []
    memo = ruleset.memo
    for index, request in enumerate(intake.treatments):
        applied = caps[index]
        if not applied:
            raise EngineError(f"no depth cap matched treatment {index} ({request.area.value})")
        by_id = tuple(sorted(applied.items()))
        # the limit depends only on these: kept in the rule set's memo like findings without a wait
        key = ("depth", index, request.area._value_, request.concern._value_, by_id)
        found = memo.get(key)
        if found is None:
            ranked = sorted(by_id, key=lambda item: (item[1], item[0]))
            set_by, limit = ranked[0]
            nxt = ranked[1] if len(ranked) > 1 else (None, None)
            if len(memo) > _KEPT:
                memo.clear()
            found = memo[key] = DepthLimit(
                treatment=index, area=request.area, concern=request.concern, limit_mm=limit, set_by=set_by,
                next_limit_mm=nxt[1], next_set_by=nxt[0], caps=dict(by_id),
            )
        limits.append(found)
    return limits


def too_early_headline(appointment: dt.date, earliest: dt.date) -> str:
    """The first thing a patient whose appointment cannot go ahead is told, with both dates."""
    return (f"Your appointment on {fmt_date(appointment)} is too early: the earliest date is {fmt_date(earliest)}; "
            "please move it.")


def instruction_anchor(intake: Intake, earliest: dt.date | None) -> dt.date | None:
    """The day dated instructions count from: the appointment, or the earliest date when the appointment is
    before it (an appointment that cannot go ahead never dates an instruction)."""
    appointment = intake.appointment_date
    if appointment is not None and earliest is not None and earliest > appointment:
        return earliest
    return appointment


def date_instruction(spec: InstructionSpec, appointment: dt.date | None, because: tuple[str, ...],
                     screened: dt.date | None = None) -> Instruction:
    """One catalogue entry for this appointment: dated (and its text filled in) when the date is known. A start
    before the pre-screen (`screened`) becomes the pre-screen's day, said as "now" (never a past date)."""
    starts = ends = None
    text = spec.text
    if appointment is not None:
        if spec.phase is Phase.BEFORE and spec.days_before is not None:
            starts = appointment - dt.timedelta(days=spec.days_before)
        elif spec.phase is Phase.DAY_OF:
            starts = appointment
        elif spec.phase is Phase.AFTER:
            starts = appointment
            if spec.days_after is not None:
                ends = appointment + dt.timedelta(days=spec.days_after)
        if screened is not None and starts is not None and starts < screened:
            starts = screened
            text = spec.now or spec.text
        elif spec.dated:
            text = spec.dated.format(starts=fmt_date(starts) if starts else "",
                                     ends=fmt_date(ends) if ends else "")
    return Instruction(
        id=spec.id, phase=spec.phase, text=text, days_before=spec.days_before, days_after=spec.days_after,
        starts=starts, ends=ends, because_of=because, sources=spec.sources,
    )


def instructions(ruleset: RuleSet, intake: Intake, rules: Iterable[Rule],
                 earliest: dt.date | None = None) -> tuple[Instruction, ...]:
    """Every finding's instructions and the general ones, once each, in the order they apply, dated from
    `instruction_anchor`. The list depends only on which rules asked, that day and the pre-screen's day, so it is
    kept in the rule set's memo."""
    asking = tuple(sorted({rule.id for rule in rules if rule.instructions}))  # once each, though per treatment
    anchor = instruction_anchor(intake, earliest)
    screened = intake.screening_date if anchor is not None else None
    found = remembered(ruleset, ("instructions", asking, anchor, screened),
                       lambda: _dated_instructions(ruleset, asking, anchor, screened))
    assert isinstance(found, tuple)
    return found


def remembered(ruleset: RuleSet, key: Any, build: Callable[[], Any]) -> Any:
    """The value kept in the rule set's memo under `key`, built and kept first if missing (the memo starts
    again past _KEPT entries). Hot paths that run many times per screening inline the same steps."""
    memo = ruleset.memo
    found = memo.get(key)
    if found is None:
        if len(memo) > _KEPT:
            memo.clear()
        found = memo[key] = build()
    return found


def _dated_instructions(ruleset: RuleSet, asking: tuple[str, ...], appointment: dt.date | None,
                        screened: dt.date | None) -> tuple[Instruction, ...]:
    because: dict[str, list[str]] = {}
    for rule_id in asking:
        for ref in ruleset.rule(rule_id).instructions:
            because.setdefault(ref, []).append(rule_id)
    for ref in ruleset.general_instructions:
        because.setdefault(ref, []).append("general")
    catalogue = ruleset.instructions
    return tuple(date_instruction(catalogue[ref], appointment, tuple(dict.fromkeys(because[ref])), screened)
                 for ref in sorted(because, key=ruleset.instruction_rank.__getitem__))


def _severity_rank(ruleset: RuleSet) -> dict[str, int]:
    """Minus each deciding rule's outcome severity, by rule id (worst first when sorted); kept in the memo."""
    found = remembered(ruleset, "severity rank", lambda: {
        rule.id: -rule.outcome.severity for rule in ruleset.rules if rule.outcome is not None})
    assert isinstance(found, dict)
    return found


def _order(pair: tuple[str, int | None]) -> tuple[str, int]:
    return (pair[0], -1 if pair[1] is None else pair[1])


def combine(ruleset: RuleSet, intake: Intake, matched: Iterable[tuple[str, int | None]], *,
            outcome_only: bool = False) -> Decision:
    """The decision for one intake from the (rule id, treatment) pairs the engine reported.

    outcome_only: the outcome, findings, dates and rule flags alone, without depth limits, instructions or
    validity; for "what would change it", which compares only those across the variants it screens."""
    pairs = sorted(matched if isinstance(matched, (set, frozenset)) else set(matched), key=_order)
    by_id = ruleset.by_id
    hits = [(by_id[rule_id], idx) for rule_id, idx in pairs]
    # hits are in (rule id, treatment) order, so a stable sort on severity alone gives findings ordered by
    # (severity descending, rule id, treatment)
    rank = _severity_rank(ruleset)
    ranked = sorted(((rank[rule.id], make_finding(rule, intake, idx, ruleset))
                     for rule, idx in hits if rule.outcome is not None), key=_first)
    findings = [finding for _, finding in ranked]
    outcome = findings[0].outcome if findings else Outcome.SUITABLE
    # a wait that has passed by the day it is counted to (the appointment, else the pre-screen) adds nothing
    reference = intake.reference_date
    waits = [f.wait_until for f in findings if f.wait_until is not None and f.wait_until > reference]
    earliest = max(waits, default=None)
    flags: list[str] = []
    for rule, _ in hits:
        flags.extend(rule.flags)
    headline = None
    appointment = intake.appointment_date
    if earliest is not None and appointment is not None and earliest > appointment:
        # an appointment before the earliest date cannot go ahead, whatever the findings alone say
        if outcome.severity < Outcome.DEFER.severity:
            outcome = Outcome.DEFER
        headline = too_early_headline(appointment, earliest)
        flags.append(APPOINTMENT_TOO_SOON)
    if outcome_only:
        return Decision(
            outcome=outcome, headline=headline, earliest_date=earliest, findings=tuple(findings),
            flags=tuple(dict.fromkeys(flags)),
            wait_for=tuple(dict.fromkeys(f.wait_for for f in findings if f.wait_for)),
            ruleset_version=ruleset.version, profile=ruleset.profile,
            screening_date=intake.screening_date, appointment_date=intake.appointment_date)
    limits = depth_limits(ruleset, intake, hits)
    if outcome is Outcome.NOT_SUITABLE:
        limits = []  # no treatment, so no depth: neither limits nor a flag about depth
    for limit in limits:
        if limit.limit_mm > ruleset.depth_flag_above_mm:
            flags.append(DEEPER_THAN_EVALUATED.format(mm=ruleset.depth_flag_above_mm))
    valid = valid_until(ruleset.validity, intake)
    return Decision(
        outcome=outcome,
        headline=headline,
        earliest_date=earliest,
        wait_for=tuple(dict.fromkeys(f.wait_for for f in findings if f.wait_for)),
        depth_limits=tuple(limits),
        findings=tuple(findings),
        instructions=instructions(ruleset, intake, (r for r, _ in hits), earliest),
        flags=tuple(dict.fromkeys(flags)),
        ruleset_version=ruleset.version, profile=ruleset.profile,
        screening_date=intake.screening_date, appointment_date=intake.appointment_date,
        valid_until=valid,
        asked_again=asked_again(ruleset.validity, intake, valid, instruction_anchor(intake, earliest), earliest),
    )


