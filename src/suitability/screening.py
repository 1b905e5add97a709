"""The one service of the core: intake in, explained decision out. It never raises and never fails open."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path

from . import scenarios
from .deciding.combine import combine
from .deciding.what_would_change import what_would_change
from .decision import Decision, Finding
from .errors import EngineError, RuleFileError, SuitabilityError, where_it_failed
from .intake import Intake
from .matching.engine import Engine
from .rules.coverage import SCREEN_FAILED
from .rules.loading import RuleSet, load_rules
from .settings import load_settings
from .vocabulary import Outcome

log = logging.getLogger(__name__)
ENGINE_FAILED_FLAG = "automatic-screen-failed"
RECENT_RULESETS = 4  # rule sets a screener remembers by version after reloads (`Screener.ruleset_for`)


class Screener:
    """A rule set and its compiled engine. Replace it with `reload`; a broken rule set never replaces a good one."""

    def __init__(self, ruleset: RuleSet, *, verify: bool = True) -> None:
        """Compile the rule set; with `verify` (always, except to replay an archived decision), refuse it with
        RuleFileError if any of its clinical scenarios fails on the compiled engine."""
        self._swap = threading.Lock()
        self._current = (ruleset, _compiled(ruleset, verify))
        self._recent: OrderedDict[str, RuleSet] = OrderedDict({ruleset.version: ruleset})
        self.last_error: str | None = None

    @classmethod
    def from_directory(cls, directory: Path | str | None = None, profile: str = "conservative") -> Screener:
        return cls(load_rules(directory, profile))

    @property
    def ruleset(self) -> RuleSet:
        return self._current[0]

    def ruleset_for(self, version: str) -> RuleSet | None:
        """The rule set of `version` if this screener served it recently (the current one and the few before it):
        a decision made just before a reload is still archived under the rules that made it."""
        with self._swap:
            current = self._current[0]
            return current if current.version == version else self._recent.get(version)

    def _remember(self, ruleset: RuleSet) -> None:
        """Keep `ruleset` among the recent ones by version (call under `_swap`); the oldest beyond the bound go."""
        self._recent[ruleset.version] = ruleset
        self._recent.move_to_end(ruleset.version)
        while len(self._recent) > RECENT_RULESETS:
            self._recent.popitem(last=False)

    def reload(self, directory: Path | str | None = None, profile: str | None = None) -> bool:
        """Load and compile a new rule set, then swap it in; on any error keep the old one and say why."""
        try:
            self.install(load_rules(directory, profile or self.ruleset.profile))
        except SuitabilityError as exc:
            self.last_error = str(exc)
            log.error("rule set refused, keeping %s: %s", self.ruleset.version, exc)
            return False
        return True

    def install(self, ruleset: RuleSet) -> None:
        """Compile a rule set already loaded (e.g. an approved one from the archive) and swap it in; raises
        SuitabilityError and keeps the old one if it does not compile or a clinical scenario fails on it."""
        engine = _compiled(ruleset, True)
        with self._swap:
            old = self._current
            self._current = (ruleset, engine)
            self._remember(ruleset)
        old[1].close()
        self.last_error = None
        log.info("rule set %s replaced %s", ruleset.version, old[0].version)

    def screen(self, intake: Intake, *, explain: bool = True) -> Decision:
        """Screen one intake. Any failure gives `review` with a flag, never `suitable` and never an exception.

        explain=False skips "what would change it" (many re-screenings of variants): for comparisons of outcome,
        depth limits and dates only, e.g. a re-screening preview; every other field is the same."""
        for _ in range(3):
            ruleset, engine = self._current
            try:
                decision = combine(ruleset, intake, engine.match_intake(intake))
                return self._explain(ruleset, engine, intake, decision) if explain else decision
            except SuitabilityError as exc:
                if self._current[1] is not engine:
                    continue  # the rule set was swapped while we screened: retry on the new one
                log_failure("automatic screen failed", ruleset, exc)
                return failed_decision(ruleset, intake)
            except Exception as exc:  # noqa: BLE001 - fail safe: a bug must never reach the patient as "suitable"
                log_failure("automatic screen failed", ruleset, exc)
                return failed_decision(ruleset, intake)
        return failed_decision(self._current[0], intake)

    def _explain(self, ruleset: RuleSet, engine: Engine, intake: Intake, decision: Decision) -> Decision:
        """Add "what would change it", screening variants on the same engine. A failure here leaves
        the decision as it is; only a swap of the rule set meanwhile is raised, so the screening is retried."""
        if decision.outcome is Outcome.SUITABLE:
            return decision

        def rescreen(variant: Intake) -> Decision:
            return combine(ruleset, variant, engine.match_intake(variant), outcome_only=True)

        try:
            changes = what_would_change(ruleset, intake, decision, rescreen)
        except Exception as exc:  # an explanation must never break the decision it explains
            if self._current[1] is not engine:
                raise EngineError("the rule set was replaced while explaining the decision") from exc
            log_failure("what would change it failed", ruleset, exc)
            return decision
        return decision.model_copy(update={"what_would_change": changes})


def _compiled(ruleset: RuleSet, verify: bool) -> Engine:
    """The rule set's engine, after its clinical scenarios passed on it (if `verify`); closed if they fail."""
    engine = Engine(ruleset)
    if verify:
        try:
            scenarios.verify(ruleset, engine)
        except BaseException:
            engine.close()
            raise
    return engine


def log_failure(what: str, ruleset: RuleSet, exc: BaseException) -> None:
    """Log a failure with the exception's type and where it happened, never its message or traceback text:
    messages can hold a patient's answers (pydantic errors include the input, ours may quote facts)."""
    log.error("%s under %s: %s", what, ruleset.version, where_it_failed(exc))


def failed_decision(ruleset: RuleSet, intake: Intake) -> Decision:
    """The fail-safe decision: a practitioner must review; the finding's text comes from the rule files."""
    try:
        rule = ruleset.rule(SCREEN_FAILED)
        finding = Finding(rule_id=rule.id, title=rule.title, outcome=Outcome.REVIEW, patient_text=rule.patient,
                          rationale=rule.rationale, sources=rule.sources, evidence=rule.evidence)
    except KeyError:  # coverage checks make this unreachable; keep the promise anyway
        finding = Finding(rule_id=SCREEN_FAILED, title="Automatic screen failed", outcome=Outcome.REVIEW,
                          patient_text="A practitioner will review your answers.",
                          rationale="The engine failed; fail safe.", sources=("clinical-rules.md",))
    return Decision(outcome=Outcome.REVIEW, findings=(finding,), flags=(ENGINE_FAILED_FLAG,),
                    ruleset_version=ruleset.version, profile=ruleset.profile,
                    screening_date=intake.screening_date, appointment_date=intake.appointment_date)


# The library's process-wide screener, for Python callers (`suitability.screen`); an app owns its own
# (services.serving.ServingRules) and never uses this one.
_default: Screener | None = None
_default_lock = threading.Lock()


def configured_profile() -> str:
    """The clinic's policy profile: SUITABILITY_PROFILE, else conservative (an unknown name fails at load)."""
    return load_settings().PROFILE


def default_screener() -> Screener:
    """The process-wide screener, built once from the shipped (or SUITABILITY_RULES_DIR) rules and the
    configured profile (SUITABILITY_PROFILE)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Screener.from_directory(None, configured_profile())
    return _default


def set_default_screener(screener: Screener | None) -> None:
    """Install a screener (e.g. another profile or rules folder); None rebuilds it on next use."""
    global _default
    with _default_lock:
        _default = screener


def screen(intake: Intake, *, screener: Screener | None = None) -> Decision:
    """Screen one intake with the default (or a given) screener."""
    return (screener or default_screener()).screen(intake)


__all__ = ["RuleFileError", "Screener", "default_screener", "failed_decision", "screen", "set_default_screener"]
