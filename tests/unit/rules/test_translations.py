"""Rule texts per language: every shipped language has every patient text, a gap refuses the rule set, and a
decision reads in the patient's language without changing what was decided."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.common.minimal import minimal_intake
from tests.common.rules_support import copy_rules, edit
from tests.common.strategies import intakes

from suitability.deciding.localise import format_day, language_of, localise
from suitability.errors import RuleFileError
from suitability.rules.loading import load_rules
from suitability.rules.translations import unreviewed
from suitability.screening import screen

RULES = load_rules()
STANDARD = load_rules(profile="standard")
OTHERS = [code for code in RULES.languages if code != "en"]


def test_spanish_is_shipped() -> None:
    assert RULES.languages == ("en", "es")


@given(rule=st.sampled_from([r for r in RULES.rules + STANDARD.rules if r.patient or r.wait_for]),
       language=st.sampled_from(OTHERS))
def test_every_rule_patient_text_exists_in_every_shipped_language(rule, language) -> None:
    texts = rule.translations[language].texts
    assert texts["patient"].strip() and texts["patient"] != rule.patient
    if rule.wait_for:
        assert texts["wait_for"].strip() and texts["wait_for"] != rule.wait_for


@given(spec=st.sampled_from(list(RULES.instructions.values())), language=st.sampled_from(OTHERS))
def test_every_instruction_exists_in_every_shipped_language(spec, language) -> None:
    texts = spec.translations[language].texts
    for key, english in (("text", spec.text), ("dated", spec.dated), ("now", spec.now)):
        if english:
            assert texts[key].strip() and texts[key] != english


def test_machine_drafted_translations_are_marked_not_reviewed() -> None:
    drafts = unreviewed(RULES.rules, RULES.instructions)
    assert "pregnant" in drafts["es"] and "P3" in drafts["es"]


def test_a_missing_spanish_instruction_refuses_the_rule_set(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path / "rules")
    text = (rules / "instructions.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: P3\n")
    dated = text.index("        dated: ", text.index("translations:", start))
    end = text.index("\n        now:", dated)
    edit(rules / "instructions.yaml", text[dated:end + 1], "")
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules)
    assert (caught.value.file, caught.value.rule_id, caught.value.field) == (
        "instructions.yaml", "P3", "translations.es.dated")


def test_a_rule_without_its_spanish_patient_text_refuses_the_rule_set(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path / "rules")
    text = (rules / "pregnancy.yaml").read_text(encoding="utf-8")
    start = text.index("translations:")
    end = text.index("\n\n", start)
    edit(rules / "pregnancy.yaml", text[start - 4:end + 1], "")
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules)
    assert (caught.value.rule_id, caught.value.field) == ("pregnant", "translations.es.patient")


def test_a_translation_must_keep_the_date_placeholders(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path / "rules")
    edit(rules / "instructions.yaml", "No se exponga al sol hasta el {ends}.", "No se exponga al sol.")
    with pytest.raises(RuleFileError, match="placeholders") as caught:
        load_rules(rules)
    assert caught.value.rule_id == "A4"


def test_a_translation_into_a_language_not_shipped_is_refused(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path / "rules")
    edit(rules / "ruleset.yaml", "languages: [en, es]", "languages: [en]")
    with pytest.raises(RuleFileError, match="does not ship"):
        load_rules(rules)


def test_language_of_falls_back_to_english() -> None:
    assert [language_of(code, RULES) for code in ("es", "es-MX", "fr", None, "")] == ["es", "es", "en", "en", "en"]


def test_spanish_dates_name_the_month() -> None:
    assert format_day(dt.date(2026, 3, 20), "es") == "20 de marzo de 2026"
    assert format_day(dt.date(2026, 3, 20), "en") == "20 Mar 2026"


def test_a_pregnant_patient_reads_the_spanish_text_and_dated_instructions() -> None:
    decision = screen(minimal_intake(pregnant="yes", retinoid="yes", retinoid_last_use="2026-02-27",
                                     appointment_date="2026-03-20"))
    spanish = localise(decision, RULES, "es")
    assert spanish.findings[0].patient_text.startswith("La micropunción no se hace durante el embarazo")
    p3 = next(i for i in spanish.instructions if i.id == "P3")
    assert p3.text.endswith("a partir del 10 de marzo de 2026.")


def test_a_too_early_appointment_headline_is_in_spanish() -> None:
    decision = screen(minimal_intake(chemical_peel="superficial", chemical_peel_date="2026-02-20",
                                     appointment_date="2026-03-05"))
    assert decision.headline
    spanish = localise(decision, RULES, "es")
    assert spanish.headline and spanish.headline.startswith("Su cita del 5 de marzo de 2026 es demasiado pronto")


@given(intake=intakes())
def test_a_localised_decision_decides_the_same_and_leaves_no_rule_text_in_english(intake) -> None:
    decision = screen(intake)
    spanish = localise(decision, RULES, "es")
    assert spanish.model_dump(exclude={"findings", "instructions", "wait_for", "headline"}) == decision.model_dump(
        exclude={"findings", "instructions", "wait_for", "headline"})
    assert [(f.rule_id, f.outcome) for f in spanish.findings] == [(f.rule_id, f.outcome) for f in decision.findings]
    assert [(i.id, i.starts, i.ends) for i in spanish.instructions] == [
        (i.id, i.starts, i.ends) for i in decision.instructions]
    english = {f.patient_text for f in decision.findings} | {i.text for i in decision.instructions} | set(
        decision.wait_for)
    left = english & ({f.patient_text for f in spanish.findings} | {i.text for i in spanish.instructions}
                      | set(spanish.wait_for))
    assert not left


def test_rules_check_refuses_a_missing_translation_naming_the_file_rule_and_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from suitability.cli import main

    rules = copy_rules(tmp_path / "rules")
    assert main(["rules", "check", "--rules", str(rules)]) == 0
    assert "languages: en, es (" in capsys.readouterr().out
    text = (rules / "pregnancy.yaml").read_text(encoding="utf-8")
    start = text.index("translations:")
    edit(rules / "pregnancy.yaml", text[start - 4:text.index("\n\n", start) + 1], "")
    assert main(["rules", "check", "--rules", str(rules)]) == 1
    assert "file pregnancy.yaml, rule pregnant, field translations.es.patient" in capsys.readouterr().err


def test_what_is_asked_again_on_the_day_is_said_in_spanish() -> None:
    intake = minimal_intake(retinoid="yes", appointment_date="2026-03-20")
    decision = screen(intake)
    assert decision.asked_again and decision.asked_again.startswith("Some answers can change")
    spanish = localise(decision, RULES, "es", intake).asked_again
    assert spanish and spanish.startswith("Algunas respuestas pueden cambiar en días o semanas, así que el día de "
                                          "su tratamiento (su cita del 20 de marzo de 2026) el profesional le "
                                          "volverá a preguntar por el embarazo, el acné activo, ")
    assert spanish.endswith(". Si alguna respuesta ha cambiado, el resultado se calcula de nuevo en ese momento; el "
                            "resto de esta evaluación previa sigue siendo válido y no tendrá que repetirla entera.")
    assert not [word for word in ("pregnancy", "sunburn", "retinoid creams", " and ") if word in spanish]
    assert localise(decision, RULES, "es").asked_again == decision.asked_again  # without the intake: unchanged
