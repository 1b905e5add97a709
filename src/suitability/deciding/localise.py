"""A decision's patient texts in the patient's language: findings, waits, instructions (their dates in the
language's own words) and the headline, taken from the rule set's translations. The decision is screened and
stored in English; this only swaps the words a patient reads, never an outcome, a date or a depth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from babel.dates import format_date

from ..clock import fmt_date
from ..decision import Decision, Finding, Instruction
from ..intake import Intake
from ..rules.model import RuleSet, Translation
from ..rules.translations import SOURCE_LANGUAGE
from .combine import instruction_anchor
from .validity import asked_again

# Sentences the core writes itself (not a rule's), per language; {appointment} and {earliest} are dates.
TOO_EARLY = {
    "en": "Your appointment on {appointment} is too early: the earliest date is {earliest}; please move it.",
    "es": "Su cita del {appointment} es demasiado pronto: la fecha más temprana es el {earliest}; cámbiela, por "
          "favor.",
}


def language_of(asked: str | None, ruleset: RuleSet) -> str:
    """The rule set's language closest to `asked` (a code such as 'es' or 'es-MX'); English if none is."""
    code = (asked or "").split("-")[0].split("_")[0].lower()
    return code if code in ruleset.languages else SOURCE_LANGUAGE


def format_day(day: dt.date, language: str) -> str:
    """A date as a patient of this language reads it, with the month in words: never ambiguous."""
    if language == SOURCE_LANGUAGE:
        return fmt_date(day)
    return format_date(day, format="long", locale=language)


def _texts(translations: Mapping[str, Translation], language: str) -> Mapping[str, str]:
    found = translations.get(language)
    return found.texts if found is not None else {}


def _finding(finding: Finding, ruleset: RuleSet, language: str) -> Finding:
    rule = ruleset.by_id.get(finding.rule_id)
    text = _texts(rule.translations, language).get("patient") if rule is not None else None
    return finding.model_copy(update={"patient_text": text}) if text else finding


def _instruction(item: Instruction, ruleset: RuleSet, language: str) -> Instruction:
    spec = ruleset.instructions.get(item.id)
    if spec is None:
        return item
    texts = _texts(spec.translations, language)
    if item.text == spec.text:
        text = texts.get("text")
    elif spec.now is not None and item.text == spec.now:
        text = texts.get("now")
    else:
        dated = texts.get("dated")
        text = dated.format(starts=format_day(item.starts, language) if item.starts else "",
                            ends=format_day(item.ends, language) if item.ends else "") if dated else None
    return item.model_copy(update={"text": text}) if text else item


def _waits(decision: Decision, ruleset: RuleSet, language: str) -> tuple[str, ...]:
    words = {rule.wait_for: _texts(rule.translations, language).get("wait_for")
             for rule in ruleset.rules if rule.wait_for}
    return tuple(words.get(wait) or wait for wait in decision.wait_for)


def localise(decision: Decision, ruleset: RuleSet, language: str, intake: Intake | None = None) -> Decision:
    """The decision with its patient texts in `language` (a code of `ruleset.languages`); English unchanged.
    With the `intake` it was screened from, the sentence on what is asked again on the day is reworded too.

    A text the rule set has no translation for stays in English rather than disappearing: loading refuses a
    rule set with a gap, so this happens only for a decision screened under an older rule set."""
    if language == SOURCE_LANGUAGE or language not in ruleset.languages:
        return decision
    headline = decision.headline
    if headline and decision.appointment_date and decision.earliest_date and language in TOO_EARLY:
        headline = TOO_EARLY[language].format(appointment=format_day(decision.appointment_date, language),
                                              earliest=format_day(decision.earliest_date, language))
    again = decision.asked_again
    if again and intake is not None:
        again = asked_again(ruleset.validity, intake, decision.valid_until,
                            instruction_anchor(intake, decision.earliest_date), decision.earliest_date, language)
    return decision.model_copy(update={
        "asked_again": again,
        "findings": tuple(_finding(f, ruleset, language) for f in decision.findings),
        "instructions": tuple(_instruction(i, ruleset, language) for i in decision.instructions),
        "wait_for": _waits(decision, ruleset, language),
        "headline": headline,
    })


__all__ = ["TOO_EARLY", "format_day", "language_of", "localise"]
