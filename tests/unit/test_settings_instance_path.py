"""The instance folder is one rule for every door: the CLI opens the database in the folder the web app uses,
and without SUITABILITY_INSTANCE_PATH that is the folder Flask would choose for the app, found without Flask."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.sansio import scaffold

from suitability import settings
from suitability.cli.shell import app_database
from suitability.services import DATABASE
from suitability.storage.database import SQLITE_FILE
from suitability.web import create_app
from suitability.web.config import instance_path as web_instance_path

LAYOUTS = {  # where the package's folder is (the sys.path entry holding it), under which sys.prefix
    "a source tree": ("/home/me/suitability/src", "/usr"),
    "a virtualenv elsewhere": ("/opt/venv/lib/python3.11/site-packages", "/usr"),
    "a Windows virtualenv": (os.path.join("C:/venv", "Lib", "site-packages"), "/usr"),
    "a bare site-packages": ("/opt/bundle/site-packages", "/usr"),
    "the interpreter's own prefix": ("/usr/lib/python3/dist-packages", "/usr"),
}


@pytest.fixture(autouse=True)
def _no_instance_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUITABILITY_INSTANCE_PATH", raising=False)
    monkeypatch.delenv("SUITABILITY_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_default_folder_is_the_one_flask_chooses_for_each_layout(layout: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    package_path, prefix = LAYOUTS[layout]
    monkeypatch.setattr(scaffold, "_find_package_path", lambda _: package_path)
    monkeypatch.setattr(sys, "prefix", prefix)
    assert settings.default_instance_path(package_path, prefix) == Flask(settings.APP_NAME).instance_path


def test_without_a_setting_the_folder_is_flasks_for_the_web_app() -> None:
    assert settings.instance_path() == Flask(settings.APP_NAME).instance_path == web_instance_path()


def test_the_setting_and_then_a_chosen_folder_win(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SUITABILITY_INSTANCE_PATH", str(tmp_path / "from-env"))
    assert settings.instance_path() == str(tmp_path / "from-env")
    assert settings.instance_path(str(tmp_path / "chosen")) == str(tmp_path / "chosen")
    assert web_instance_path({"INSTANCE_PATH": str(tmp_path / "chosen")}) == str(tmp_path / "chosen")


def test_the_cli_opens_the_database_the_app_opens(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SUITABILITY_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 32, "DATABASE_AUTO_UPGRADE": False})
    cli = app_database()
    try:
        assert app.instance_path == str(tmp_path)
        assert str(cli.engine.url) == str(app.extensions[DATABASE].engine.url)
        assert str(cli.engine.url) == f"sqlite:///{tmp_path / SQLITE_FILE}"
    finally:
        cli.dispose()
        app.extensions[DATABASE].dispose()
