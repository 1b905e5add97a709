"""Invalid intakes of every kind give field errors, never a crash; the CLI reports them without a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import reduce
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.common.rules_support import reseal
from tests.common.strategies import intakes

from suitability import Decision, Intake, load_rules
from suitability.intake import field_errors, parse_intake
from suitability.rules.loading import _TextLoader, default_rules_dir

SECRET = "SECRET-ANSWER-7f3a"  # a patient's words: must never come back in an error message
MB = 1024 * 1024


def valid() -> dict[str, Any]:
    return {
        "age": 34, "pregnant": "no", "setting": "clinic", "screening_date": "2026-03-02",
        "treatments": [{"area": "cheeks", "concern": "acne_scars"}],
    }


def errors_of(data: Any) -> list[dict[str, str]]:
    """The field errors of an invalid intake; any other exception fails the test."""
    with pytest.raises(ValidationError) as caught:
        parse_intake(data)
    errors = field_errors(caught.value)
    assert errors
    for error in errors:
        assert set(error) == {"field", "message"}
        assert isinstance(error["field"], str) and error["field"]
        assert isinstance(error["message"], str) and error["message"]
        assert SECRET not in error["message"]
    return errors


def fields_of(data: Any) -> set[str]:
    return {e["field"] for e in errors_of(data)}


def nested(depth: int) -> Any:
    return reduce(lambda inner, _: [inner], range(depth), [])


DEEP = nested(1000)  # deeper than json.dumps and pydantic's JSON parser go


def as_text(data: dict[str, Any]) -> str:
    """The intake as JSON text (written by hand where it holds DEEP, which json.dumps cannot encode)."""
    text = json.dumps({k: "__deep__" if v is DEEP else v for k, v in data.items()})
    return text.replace('"__deep__"', "[" * 1001 + "]" * 1001)


def test_the_valid_base_is_valid() -> None:
    assert parse_intake(valid()).age == 34


INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "age as text": ({"age": "9"}, "age"),
    "age as a boolean": ({"age": True}, "age"),
    "age as a fraction": ({"age": 30.5}, "age"),
    "negative age": ({"age": -1}, "age"),
    "age over 120": ({"age": 121}, "age"),
    "huge age": ({"age": 10**40}, "age"),
    "answer not in the list": ({"pregnant": "maybe"}, "pregnant"),
    "answer as a boolean": ({"pregnant": True}, "pregnant"),
    "answer in capitals": ({"pregnant": "YES"}, "pregnant"),
    "answer as a list": ({"pregnant": ["yes"]}, "pregnant"),
    "answer as an object": ({"pregnant": {"value": "yes"}}, "pregnant"),
    "secret answer": ({"smoker": SECRET}, "smoker"),
    "unknown setting": ({"setting": "spa"}, "setting"),
    "missing setting": ({"setting": None}, "setting"),
    "unknown field": ({"pregnnt": "no"}, "(intake)"),  # an unknown name is never quoted back
    "unknown area": ({"treatments": [{"area": "elbow", "concern": "wrinkles"}]}, "treatments.0.area"),
    "treatment without concern": ({"treatments": [{"area": "cheeks"}]}, "treatments.0.concern"),
    "treatment with an extra key": ({"treatments": [{"area": "cheeks", "concern": "wrinkles", "depth": 2}]},
                                    "treatments.0"),
    "treatments as text": ({"treatments": "cheeks"}, "treatments"),
    "no treatments": ({"treatments": []}, "treatments"),
    "thirteen treatments": ({"treatments": [{"area": a, "concern": c} for a in ("cheeks", "forehead", "nose")
                                            for c in ("wrinkles", "fine_lines", "laxity", "texture_pores", "melasma")][:13]},
                            "treatments"),
    "the same treatment twice": ({"treatments": [{"area": "cheeks", "concern": "wrinkles"}] * 2}, "treatments"),
    "event date in the future": ({"retinoid": "yes", "retinoid_last_use": "2026-03-03"}, "retinoid_last_use"),
    "event date before 1900": ({"sunburn": "yes", "sunburn_date": "1899-12-31"}, "sunburn_date"),
    "appointment before the screening": ({"appointment_date": "2026-03-01"}, "appointment_date"),
    "impossible date": ({"sunburn": "yes", "sunburn_date": "2026-02-30"}, "sunburn_date"),
    "date in another format": ({"sunburn": "yes", "sunburn_date": "01/02/2026"}, "sunburn_date"),
    "date with a time": ({"sunburn": "yes", "sunburn_date": "2026-01-01T10:00:00"}, "sunburn_date"),
    "date as a number": ({"sunburn": "yes", "sunburn_date": 20260101}, "sunburn_date"),
    "born in the future": ({"age": None, "date_of_birth": "2027-01-01"}, "date_of_birth"),
    "older than 120": ({"age": None, "date_of_birth": "1901-01-01"}, "date_of_birth"),
    "age and birth date disagree": ({"age": 40, "date_of_birth": "1990-01-01"}, "age"),
    "melasma in an unknown area": ({"melasma": "yes", "melasma_areas": ["moon"]}, "melasma_areas.0"),
    "huge answer": ({"pregnant": "y" * MB}, "pregnant"),
    "huge unknown field": ({"notes": SECRET * (MB // len(SECRET))}, "(intake)"),
    "deeply nested treatments": ({"treatments": DEEP}, ""),
    "deeply nested answer": ({"pregnant": DEEP}, ""),
    "NaN age": ({"age": float("nan")}, "age"),
    "infinite age": ({"age": float("inf")}, "age"),
    "negative infinite age": ({"age": float("-inf")}, "age"),
    "NaN answer": ({"pregnant": float("nan")}, "pregnant"),
}


@pytest.mark.parametrize("change, field", INVALID.values(), ids=INVALID.keys())
def test_an_invalid_answer_gives_a_field_error_from_data_and_from_json_text(change: dict[str, Any], field: str) -> None:
    data = {**valid(), **change}
    for source in (data, as_text(data), as_text(data).encode()):
        fields = fields_of(source)
        if field:
            assert field in fields, fields
        else:  # too deep to read: reported against the whole intake
            assert fields


def test_every_error_is_reported_at_once() -> None:
    data = {**valid(), "age": "9", "pregnant": "maybe", "colour": "blue", "treatments": []}
    assert {"age", "pregnant", "(intake)", "treatments"} <= fields_of(data)


def test_date_errors_are_all_reported_with_plain_messages() -> None:
    data = {**valid(), "sunburn": "yes", "sunburn_date": "2026-04-01", "appointment_date": "2026-01-01",
            "treatments": [{"area": "nose", "concern": "wrinkles"}] * 2}
    errors = {e["field"]: e["message"] for e in errors_of(data)}
    assert set(errors) == {"sunburn_date", "appointment_date", "treatments"}
    assert "after the date of the pre-screen" in errors["sunburn_date"]
    assert "before the date of the pre-screen" in errors["appointment_date"]


BAD_DOCUMENTS = {
    "a list": [valid()], "a string": "intake", "null": None, "a number": 42, "nan": float("nan"),
    "text that is not JSON": "{age: 34", "empty text": "", "bytes that are not UTF-8": b"\xff\xfe{",
    "JSON NaN token": json.dumps(valid())[:-1] + ', "age": NaN}',
    "JSON Infinity token": json.dumps(valid())[:-1] + ', "age": Infinity}',
    "deep JSON text": "[" * 100_000 + "]" * 100_000,
    "huge JSON text": json.dumps({**valid(), "notes": "x" * (5 * MB)}),
    "a key that is not text": {(1, 2): "x", **valid()},
}


@pytest.mark.parametrize("document", BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS.keys())
def test_a_document_that_is_not_an_intake_gives_an_error_not_a_crash(document: Any) -> None:
    assert fields_of(document)


def test_a_circular_document_gives_an_error_not_a_crash() -> None:
    data: dict[str, Any] = valid()
    data["treatments"] = [data]
    assert fields_of(data)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.just(SECRET),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@given(intakes(), st.data())
def test_any_corruption_of_a_valid_intake_gives_field_errors_or_an_intake(intake: Intake, data: st.DataObject) -> None:
    document = intake.model_dump(mode="json")
    for _ in range(data.draw(st.integers(1, 3))):
        key = data.draw(st.sampled_from(sorted(document)) | st.text(max_size=12))
        if data.draw(st.booleans()) and key in document:
            del document[key]
        else:
            document[key] = data.draw(JSON_VALUES)
    try:
        parse_intake(document)
    except ValidationError as exc:
        errors = field_errors(exc)
        assert errors and all(e["field"] and e["message"] and SECRET not in e["message"] for e in errors)


# --- the command line ----------------------------------------------------------------------------------------------

CLI = [str(Path(sys.executable).with_name("suitability"))]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SUITABILITY_RULES_DIR"}
    result = subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120, env=env,
                            check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture()
def intake_file(tmp_path: Path) -> Path:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(valid()), encoding="utf-8")
    return path


def test_cli_screen_prints_a_decision_as_json(intake_file: Path) -> None:
    result = run("screen", str(intake_file))
    assert result.returncode == 0, result.stderr
    decision = Decision.model_validate_json(result.stdout)
    assert decision.ruleset_version == load_rules().version


def test_cli_screen_reads_standard_input_and_prints_text() -> None:
    result = run("screen", "-", "--format", "text", stdin=json.dumps(valid()))
    assert result.returncode == 0, result.stderr
    assert "Needle depth limits" in result.stdout or "Not suitable" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("Rule set sha256:")


def test_cli_screen_lists_every_field_error_on_stderr_and_exits_2(tmp_path: Path) -> None:
    data = {**valid(), "age": "9", "pregnant": "maybe", "colour": SECRET, "sunburn": "yes",
            "sunburn_date": "2030-01-01", "treatments": [{"area": "elbow", "concern": "wrinkles"}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("screen", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    for error in errors_of(data):
        assert f"{error['field']}: {error['message']}" in result.stderr
    assert SECRET not in result.stderr


@pytest.mark.parametrize("content", ["", "not json", "[" * 100_000, json.dumps([1, 2])])
def test_cli_screen_on_unreadable_input_exits_2(content: str) -> None:
    result = run("screen", "-", stdin=content)
    assert result.returncode == 2
    assert "error" in result.stderr


def test_cli_screen_on_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("screen", str(tmp_path / "nowhere.json"))
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def test_cli_schema_prints_the_intake_json_schema() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema == json.loads(json.dumps(Intake.model_json_schema()))
    assert "pregnant" in schema["properties"] and "treatments" in schema["required"]


def test_cli_rules_list_prints_every_rule() -> None:
    result = run("rules", "list")
    assert result.returncode == 0
    listed = {line.split("\t")[0] for line in result.stdout.splitlines() if not line.startswith("#")}
    assert listed == {rule.id for rule in load_rules().rules}


def test_cli_rules_check_accepts_the_shipped_rules() -> None:
    result = run("rules", "check")
    assert result.returncode == 0
    assert result.stdout.startswith("ok:")


def _misspell_pregnant(rules: Path) -> tuple[str, str]:
    """Rename the field `pregnant` in the first rule that tests it; return (file name, rule id)."""
    for path in sorted(rules.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextLoader)
        for rule in data.get("rules", []) if isinstance(data, dict) else []:
            if "pregnant" in (rule.get("when") or {}):
                rule["when"] = {("pregnnt" if k == "pregnant" else k): v for k, v in rule["when"].items()}
                path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
                return path.name, rule["id"]
    raise AssertionError("no rule tests 'pregnant'")


def test_cli_rules_check_names_the_file_rule_and_field_of_a_misspelt_field(tmp_path: Path) -> None:
    import shutil

    broken = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), broken)
    file, rule_id = _misspell_pregnant(broken)
    reseal(broken)
    result = run("rules", "check", "--rules", str(broken))
    assert result.returncode != 0
    for part in (file, rule_id, "pregnnt", "'pregnant'"):
        assert part in result.stderr, result.stderr


def test_cli_rules_check_reports_a_rule_set_the_engine_refuses(tmp_path: Path) -> None:
    """A rule that passes validation but is too complex for durable-rules (error 113) must be reported,
    not crash the command."""
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    group = {"diabetes": ["controlled", "uncontrolled"], "immunosuppressed": ["yes", "not_sure"]}
    extra = {"rules": [{"id": "too-complex", "title": "t", "outcome": "review", "patient": "p", "rationale": "r",
                        "sources": ["test"], "when_any": [group] * 6}]}
    (rules / "zz-extra.yaml").write_text(yaml.safe_dump(extra), encoding="utf-8")
    reseal(rules)
    result = run("rules", "check", "--rules", str(rules))
    assert result.returncode != 0
    assert "too-complex" in result.stderr or "113" in result.stderr
