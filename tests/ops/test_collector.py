"""The workers' cycle collector: start-up's objects frozen out of its scans, and let go of again when a new rule
set replaces the old one (frozen cycles would otherwise never be freed)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.common.ops_support import edit, example_intake, fake_clock, make_app, new_key

from suitability.web import collector, gunicorn_conf, rules_reload


class Held:
    """Something a weak reference can watch."""


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_what_start_up_built_is_left_out_of_collections_until_refrozen(unfrozen: None) -> None:
    held = Held()
    cycle: list[object] = [held]
    cycle.append(cycle)
    watch = weakref.ref(held)
    del held
    collector.freeze_start_up()
    assert gc.get_freeze_count() > 0
    del cycle
    gc.collect()
    assert watch() is not None  # frozen: a dead cycle stays
    collector.refreeze()
    assert watch() is None and gc.get_freeze_count() > 0


def test_refreeze_does_nothing_where_nothing_was_frozen() -> None:
    assert gc.get_freeze_count() == 0
    collector.refreeze()
    assert gc.get_freeze_count() == 0


def test_gunicorn_workers_freeze_once_the_app_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(rules_reload, "install_signal_handler", lambda: calls.append("sighup") or True)
    monkeypatch.setattr(collector, "freeze_start_up", lambda: calls.append("freeze"))
    gunicorn_conf.post_worker_init(object())
    assert calls == ["sighup", "freeze"]


@pytest.fixture
def app(tmp_path: Path, rules_dir: Path) -> Flask:
    return make_app(tmp_path)


def test_a_rules_reload_refreezes_and_a_check_without_change_does_not(
        app: Flask, rules_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refrozen: list[int] = []
    monkeypatch.setattr(rules_reload, "refreeze", lambda: refrozen.append(1))
    client, auth, clock = app.test_client(), new_key(app), fake_clock(app)
    screen = {"intake": example_intake(), "store": False}
    assert client.post("/api/v1/screenings", json=screen, headers=auth).status_code == 200
    clock.advance(5)
    assert client.post("/api/v1/screenings", json=screen, headers=auth).status_code == 200
    assert refrozen == []  # checked, nothing changed
    edit(rules_dir / "medicines.yaml", "months: 6", "months: 7")
    clock.advance(5)
    assert client.post("/api/v1/screenings", json=screen, headers=auth).status_code == 200
    assert refrozen == [1]
