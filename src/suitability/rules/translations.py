"""A rule's and an instruction's patient texts in other languages: parsed from each entry's `translations:`
block, and checked complete for every language the rule set ships (ruleset.yaml `languages:`).

A missing translation is refused at load, not filled in with English: a patient reading Spanish could skip an
English sentence, and a precaution in it would be lost.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import RuleFileError
from .model import InstructionSpec, Rule, Translation

SOURCE_LANGUAGE = "en"  # the language the rule files' own `patient`, `text`... are written in
RULE_FIELDS = ("patient", "wait_for", "less_strict_patient", "less_strict_wait_for")
INSTRUCTION_FIELDS = ("text", "dated", "now")
REVIEWED = "reviewed"
_CODE = re.compile(r"^[a-z]{2,3}$")


def parse_languages(raw: Any, file: str) -> tuple[str, ...]:
    """ruleset.yaml `languages:`: the source language first, then each shipped translation, once each."""
    if raw is None:
        return (SOURCE_LANGUAGE,)
    if not isinstance(raw, list) or not all(isinstance(code, str) and _CODE.match(code) for code in raw):
        raise RuleFileError("languages must be a list of language codes such as [en, es]", file=file,
                            field="languages")
    if not raw or raw[0] != SOURCE_LANGUAGE or len(set(raw)) != len(raw):
        raise RuleFileError(f"languages must start with {SOURCE_LANGUAGE}, the rule files' own language, and "
                            "name each language once", file=file, field="languages")
    return tuple(raw)


def parse_translations(raw: Any, where: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Translation]:
    """One entry's `translations:` block: language -> {field: text, ..., reviewed: true|false}."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RuleFileError("translations must map a language code to its texts", **where, field="translations")
    out: dict[str, Translation] = {}
    for code, block in raw.items():
        at = f"translations.{code}"
        if not isinstance(code, str) or not _CODE.match(code) or code == SOURCE_LANGUAGE:
            raise RuleFileError(f"not a language code other than {SOURCE_LANGUAGE}", **where, field=at)
        if not isinstance(block, dict):
            raise RuleFileError("must map each text's name to its translation", **where, field=at)
        texts: dict[str, str] = {}
        for key, value in block.items():
            if key == REVIEWED:
                if not isinstance(value, bool):
                    raise RuleFileError("must be true or false", **where, field=f"{at}.{REVIEWED}")
                continue
            if key not in allowed:
                raise RuleFileError(f"unknown key (one of {', '.join(allowed)}, {REVIEWED})", **where,
                                    field=f"{at}.{key}")
            if not isinstance(value, str) or not value.strip():
                raise RuleFileError("must be text", **where, field=f"{at}.{key}")
            texts[key] = " ".join(value.split())
        out[code] = Translation(texts=texts, reviewed=block.get(REVIEWED) is True)
    return out


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _english_rule_texts(rule: Rule) -> dict[str, str]:
    less = rule.less_strict or {}
    texts = {"patient": rule.patient, "wait_for": rule.wait_for or "",
             "less_strict_patient": str(less.get("patient") or ""),
             "less_strict_wait_for": str(less.get("wait_for") or "")}
    return {key: text for key, text in texts.items() if text.strip() and text.strip() != "none"}


def _english_instruction_texts(spec: InstructionSpec) -> dict[str, str]:
    return {key: text for key, text in (("text", spec.text), ("dated", spec.dated), ("now", spec.now)) if text}


def _check_entry(english: Mapping[str, str], translations: Mapping[str, Translation],
                 languages: tuple[str, ...], where: dict[str, Any]) -> None:
    for code in sorted(set(translations) - set(languages)):
        raise RuleFileError("a language the rule set does not ship (add it to ruleset.yaml `languages:`)",
                            **where, field=f"translations.{code}")
    for code in languages:
        if code == SOURCE_LANGUAGE:
            continue
        texts = translations[code].texts if code in translations else {}
        for key, text in english.items():
            if key not in texts:
                raise RuleFileError(f"no {code} text: every language the rule set ships needs every patient "
                                    "text", **where, field=f"translations.{code}.{key}")
            if _placeholders(texts[key]) != _placeholders(text):
                raise RuleFileError(f"must use the same {{placeholders}} as the English: "
                                    f"{sorted(_placeholders(text))}", **where, field=f"translations.{code}.{key}")
        for key in sorted(set(texts) - set(english)):
            raise RuleFileError("translates a text the entry does not have", **where,
                                field=f"translations.{code}.{key}")


def check_translations(rules: Iterable[Rule], catalogue: Mapping[str, InstructionSpec],
                       languages: tuple[str, ...], catalogue_file: str) -> None:
    """Refuse, naming the file, entry and field, a patient text missing in any shipped language."""
    for rule in rules:
        _check_entry(_english_rule_texts(rule), rule.translations, languages,
                     {"file": rule.file, "rule_id": rule.id})
    for spec in catalogue.values():
        _check_entry(_english_instruction_texts(spec), spec.translations, languages,
                     {"file": catalogue_file, "rule_id": spec.id})


def unreviewed(rules: Iterable[Rule], catalogue: Mapping[str, InstructionSpec]) -> dict[str, list[str]]:
    """Language -> the rule and instruction ids whose translation no clinician has reviewed yet."""
    out: dict[str, list[str]] = {}
    entries: list[tuple[str, Mapping[str, Translation]]] = [(r.id, r.translations) for r in rules]
    entries += [(spec.id, spec.translations) for spec in catalogue.values()]
    for entry_id, translations in entries:
        for code, translation in translations.items():
            if not translation.reviewed:
                out.setdefault(code, []).append(entry_id)
    return out


__all__ = ["INSTRUCTION_FIELDS", "RULE_FIELDS", "SOURCE_LANGUAGE", "check_translations", "parse_languages",
           "parse_translations", "unreviewed"]
