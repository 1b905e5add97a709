"""The one configuration: every SUITABILITY_* setting read through the settings model, one yes/no parser for
the servers and the CLI alike, bad values refused at start by name, secrets never shown."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from flask import Config
from hypothesis import given
from hypothesis import strategies as st

from suitability import settings
from suitability.cli import main
from suitability.cli.rescreen import _requires_approval
from suitability.settings import FALSE_WORDS, TRUE_WORDS, SettingsError, load_settings, parse_switch
from suitability.web.config import DEFAULTS, load_config

README = Path(__file__).resolve().parents[2] / "README.md"
SECRETS = {"SUITABILITY_SECRET_KEY": "s3cret-key-" + "k" * 32, "SUITABILITY_METRICS_TOKEN": "metrics-t0ken-value",
           "SUITABILITY_WEBHOOK_SECRET": "whsec_c2VjcmV0LXdlYmhvb2s=",
           "SUITABILITY_SECRET_KEY_FALLBACKS": '["old-key-fallback-value"]'}
DATABASE_PASSWORD = "db-pa55word-value"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from the defaults: no SUITABILITY_* or DATABASE_URL from the machine running them."""
    import os

    for name in list(os.environ):
        if name.startswith("SUITABILITY_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)


def _servers_require_approval() -> bool:
    """REQUIRE_APPROVED_RULES as the app servers see it: the Flask config `create_app` fills."""
    config = Config(".")
    load_config(config, None)
    return bool(config["REQUIRE_APPROVED_RULES"])


@pytest.mark.parametrize("value, required", [
    ("on", True), ("ON", True), ("true", True), ("True", True), ("yes", True), ("1", True), (" Yes ", True),
    ("off", False), ("OFF", False), ("false", False), ("False", False), ("no", False), ("0", False)])
def test_the_servers_and_rescreen_accept_read_require_approved_rules_the_same_way(
        value: str, required: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUITABILITY_REQUIRE_APPROVED_RULES", value)
    assert _servers_require_approval() is required
    assert _requires_approval() is required


@pytest.mark.parametrize("value, required", [(None, 1), ("2", 2), (" 3 ", 3)])
def test_the_servers_and_the_cli_count_the_same_approvals(value: str | None, required: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from suitability.cli.shell import approvals_required

    if value is not None:
        monkeypatch.setenv("SUITABILITY_APPROVALS_REQUIRED", value)
    config = Config(".")
    load_config(config, None)
    assert config["APPROVALS_REQUIRED"] == approvals_required() == required


def test_require_approved_rules_is_off_by_default_for_servers_and_rescreen() -> None:
    assert _servers_require_approval() is False and _requires_approval() is False


@given(st.sampled_from(sorted(TRUE_WORDS | FALSE_WORDS)), st.lists(st.booleans(), min_size=1))
def test_every_yes_no_word_is_read_in_any_case(word: str, upper: list[bool]) -> None:
    mixed = "".join(c.upper() if upper[i % len(upper)] else c for i, c in enumerate(word))
    assert parse_switch(mixed) is (word in TRUE_WORDS)


@given(st.text().filter(lambda t: t.strip().lower() not in TRUE_WORDS | FALSE_WORDS))
def test_anything_else_is_not_a_yes_no_value(text: str) -> None:
    with pytest.raises(ValueError):
        parse_switch(text)


@pytest.mark.parametrize("name, value", [
    ("SUITABILITY_METRICS", "hunter2-maybe"), ("SUITABILITY_REQUIRE_APPROVED_RULES", "enabled-please"),
    ("SUITABILITY_TIMEZONE", "Mars/Olympus_Mons"), ("SUITABILITY_PATIENT_IDLE_MINUTES", "-5"),
    ("SUITABILITY_WORKERS", "0"), ("SUITABILITY_API_KEY_CACHE_SECONDS", "-1"),
    ("SUITABILITY_WEBHOOK_URLS", "[not-json-secret"), ("SUITABILITY_SESSION_COOKIE_SAMESITE", "sometimes-x"),
    ("SUITABILITY_APPROVALS_REQUIRED", "0")])
def test_a_bad_value_stops_start_up_naming_the_variable_but_not_the_value(
        name: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert name in str(caught.value) and value not in str(caught.value)
    with pytest.raises(SettingsError, match=name):
        load_config(Config("."), None)


def test_the_cli_refuses_to_run_with_a_bad_setting(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SUITABILITY_METRICS", "sure-thing")
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert "SUITABILITY_METRICS" in err and "sure-thing" not in err and "Traceback" not in err


def test_an_unknown_suitability_name_is_warned_about_with_the_closest_setting(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SUITABILITY_REQUIRE_APROVED_RULES", "true")
    monkeypatch.setenv("SUITABILITY_ENTIRELY_UNHEARD_OF", "1")
    monkeypatch.setenv("SUITABILITY_WRITE_DOCS", "1")  # the test suite's own switch, not a setting
    with caplog.at_level(logging.WARNING, logger="suitability.settings"):
        found = load_settings()
    assert found.REQUIRE_APPROVED_RULES is False  # the misspelt name sets nothing
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("SUITABILITY_REQUIRE_APROVED_RULES" in m and "did you mean SUITABILITY_REQUIRE_APPROVED_RULES" in m
               for m in warned)
    assert any("SUITABILITY_ENTIRELY_UNHEARD_OF" in m and "did you mean" not in m for m in warned)
    assert not any("SUITABILITY_WRITE_DOCS" in m for m in warned)


def test_the_app_config_comes_from_the_settings_with_their_types(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUITABILITY_METRICS", "on")
    monkeypatch.setenv("SUITABILITY_SESSION_COOKIE_SECURE", "no")
    monkeypatch.setenv("SUITABILITY_PATIENT_IDLE_MINUTES", "45")
    monkeypatch.setenv("SUITABILITY_WEBHOOK_URLS", "https://a.example/hook, https://b.example/hook")
    monkeypatch.setenv("SUITABILITY_SECRET_KEY", SECRETS["SUITABILITY_SECRET_KEY"])
    monkeypatch.setenv("DATABASE_URL", "sqlite:///other.sqlite3")
    config = Config(".")
    load_config(config, None)
    assert config["METRICS"] is True and config["SESSION_COOKIE_SECURE"] is False
    assert config["PATIENT_IDLE_MINUTES"] == 45 and config["APPROVALS_REQUIRED"] == 1
    assert config["WEBHOOK_URLS"] == ["https://a.example/hook", "https://b.example/hook"]
    assert config["SECRET_KEY"] == SECRETS["SUITABILITY_SECRET_KEY"]  # the app gets the secret itself
    assert config["DATABASE_URL"] == "sqlite:///other.sqlite3"
    monkeypatch.setenv("SUITABILITY_DATABASE_URL", "sqlite:///winner.sqlite3")
    load_config(config, None)
    assert config["DATABASE_URL"] == "sqlite:///winner.sqlite3"
    monkeypatch.setenv("SUITABILITY_WEBHOOK_URLS", '["https://c.example/hook"]')
    load_config(config, None)
    assert config["WEBHOOK_URLS"] == ["https://c.example/hook"]


def test_every_setting_the_app_reads_has_a_default_and_a_description() -> None:
    assert set(DEFAULTS) == set(settings.names(app=True))
    assert DEFAULTS["APPROVALS_REQUIRED"] == 1 and DEFAULTS["REQUIRE_APPROVED_RULES"] is False
    for name, field in settings.Settings.model_fields.items():
        assert field.description and "\n" not in field.description, name


def test_secrets_never_show_in_repr_or_in_suitability_config(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://clinic:{DATABASE_PASSWORD}@db.example/screening")
    monkeypatch.setenv("SUITABILITY_CLINIC_NAME", "Riverside Skin")
    shown = {"repr": repr(load_settings())}
    for fmt in ("text", "json"):
        assert main(["config", "--format", fmt]) == 0
        shown[fmt] = capsys.readouterr().out
    for value in [*SECRETS.values(), "old-key-fallback-value", DATABASE_PASSWORD]:
        assert not any(value in text for text in shown.values())
    rows = {row["name"]: row for row in json.loads(shown["json"])}
    assert rows["SUITABILITY_SECRET_KEY"] == {"name": "SUITABILITY_SECRET_KEY", "value": settings.MASK,
                                              "source": "environment"}
    assert rows["SUITABILITY_DATABASE_URL"]["value"] == \
        f"postgresql+psycopg://clinic:{settings.MASK}@db.example/screening"
    assert rows["SUITABILITY_DATABASE_URL"]["source"] == "environment (DATABASE_URL)"
    assert rows["SUITABILITY_CLINIC_NAME"] == {"name": "SUITABILITY_CLINIC_NAME", "value": "Riverside Skin",
                                               "source": "environment"}
    assert rows["SUITABILITY_REQUIRE_APPROVED_RULES"]["source"] == "default"
    assert rows["SUITABILITY_APPROVALS_REQUIRED"] == {"name": "SUITABILITY_APPROVALS_REQUIRED", "value": "1",
                                                      "source": "default"}
    assert set(rows) == {settings.PREFIX + name for name in settings.Settings.model_fields}


def test_suitability_config_prints_each_setting_its_value_and_where_it_came_from(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SUITABILITY_REQUIRE_APPROVED_RULES", "on")
    assert main(["config"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert re.search(r"\strue\s+\[environment\]$", lines["SUITABILITY_REQUIRE_APPROVED_RULES"])
    assert re.search(r"\sconservative\s+\[default\]$", lines["SUITABILITY_PROFILE"])
    assert re.search(r"\s\(unset\)\s+\[default\]$", lines["SUITABILITY_SECRET_KEY"])


def test_the_readme_settings_table_is_the_one_generated_from_the_model() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    table = "".join(line + "\n" for line in section.splitlines() if line.startswith("|"))
    assert table == settings.markdown_table(), \
        "README's settings table is stale: suitability config --markdown"


def test_every_suitability_name_the_readme_mentions_is_a_setting() -> None:
    known = {settings.PREFIX + name for name in settings.Settings.model_fields} | settings.NOT_SETTINGS
    mentioned = set(re.findall(r"SUITABILITY_[A-Z0-9_]*[A-Z0-9]", README.read_text(encoding="utf-8")))
    assert mentioned <= known, mentioned - known


def test_suitability_config_markdown_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--markdown"]) == 0
    assert capsys.readouterr().out == settings.markdown_table()


def test_the_app_factory_stops_at_a_bad_setting_naming_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from suitability.web import create_app

    monkeypatch.setenv("SUITABILITY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SUITABILITY_TIMEZONE", "Atlantis/Capital")
    with pytest.raises(SettingsError, match="SUITABILITY_TIMEZONE: must be an IANA time zone name"):
        create_app()


@pytest.mark.parametrize("value, on", [("on", True), ("Yes", True), ("off", False), ("FALSE", False)])
def test_gunicorn_and_the_app_read_metrics_the_same_way(value: str, on: bool, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from suitability.web.gunicorn_conf import prepare_metrics_dir
    from suitability.web.gunicorn_conf import settings as gunicorn_settings

    environ = {"SUITABILITY_METRICS": value, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    assert (prepare_metrics_dir(environ) is not None) is on
    monkeypatch.setenv("SUITABILITY_METRICS", value)
    config = Config(".")
    load_config(config, None)
    assert config["METRICS"] is on
    with pytest.raises(SettingsError, match="SUITABILITY_LOG_LEVEL"):
        gunicorn_settings({"SUITABILITY_LOG_LEVEL": "chatty"})
