"""/metrics: off by default, behind a bearer token, Prometheus text format; screenings counted by outcome and door,
latency, database errors, the rule set served and the outbox depth; under gunicorn the workers' counts add up."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from tests.common.app_support import make_app
from tests.common.gunicorn_support import Gunicorn, example_intake, new_api_key
from tests.common.patient_form import example_answers, submit

from suitability.services.api_keys import add_key
from suitability.web.database import get_db

TOKEN = "metrics-test-token-0123456789"
ROOT = Path(__file__).resolve().parents[2]


def samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page: (name, sorted labels) -> value (parsing fails on a bad page)."""
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(page: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return page.get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(app: Flask) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return samples(response.get_data(as_text=True))


@pytest.fixture
def metered(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path, METRICS=True, METRICS_TOKEN=TOKEN)
    yield app
    with app.app_context():
        get_db().dispose()


def api_key(app: Flask) -> str:
    with app.app_context(), get_db().session() as session:
        return add_key(session, "metrics-test", rate_limit=100_000)[1]


def test_metrics_are_off_by_default(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    assert app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


def test_metrics_on_without_a_token_stay_off_and_say_why(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        app = make_app(tmp_path, METRICS="true")
    assert app.test_client().get("/metrics").status_code == 404
    assert "METRICS_TOKEN is not set" in caplog.text


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_metrics_refuse_a_missing_or_wrong_token(metered: Flask, header: str | None) -> None:
    response = metered.test_client().get("/metrics", headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and "suitability_" not in response.get_data(as_text=True)


def test_screenings_are_counted_by_outcome_and_door_with_their_latency(metered: Flask) -> None:
    before = scrape(metered)
    client, token = metered.test_client(), api_key(metered)
    auth = {"Authorization": f"Bearer {token}"}
    pregnant = {**example_intake(), "pregnant": "yes"}
    assert client.post("/api/v1/screenings", json={"intake": pregnant}, headers=auth).status_code == 200
    decision = client.post("/api/v1/screenings", json={"intake": example_intake()}, headers=auth).get_json()
    outcome = decision["decision"]["outcome"]
    qr = json.loads((ROOT / "examples" / "questionnaire-response.json").read_text())
    fhir = client.post("/fhir/QuestionnaireResponse", data=json.dumps(qr),
                       headers={**auth, "Content-Type": "application/fhir+json"})
    assert fhir.status_code == 200
    assert submit(metered.test_client(), example_answers()).status_code == 303
    after = scrape(metered)

    def more(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert more("suitability_screenings_total", outcome="not_suitable", door="api") == 1
    assert more("suitability_screenings_total", outcome=outcome, door="api") == 1
    assert sum(more("suitability_screenings_total", outcome=o, door="fhir") for o in
               ("suitable", "suitable_with_precautions", "defer", "review", "not_suitable")) == 1
    assert more("suitability_screenings_total", outcome=outcome, door="web") == 1
    assert more("suitability_screening_seconds_count", door="api") == 2
    assert more("suitability_screening_seconds_count", door="web") == 1
    assert more("suitability_request_seconds_count", method="POST", endpoint="api.create_screening",
                status="200") == 2


def test_the_rule_set_and_the_outbox_depth_are_read_when_scraped(metered: Flask) -> None:
    page = scrape(metered)
    [(_, labels)] = [key for key in page if key[0] == "suitability_ruleset"]
    assert dict(labels)["status"] == "current" and dict(labels)["version"].startswith("sha256:")
    assert value(page, "suitability_webhook_outbox", status="pending") == 0


def test_database_errors_are_counted(metered: Flask) -> None:
    before = scrape(metered)
    with metered.app_context(), get_db().session() as session, pytest.raises(Exception):  # noqa: B017
        session.execute(text("SELECT * FROM no_such_table"))
    after = scrape(metered)
    assert value(after, "suitability_database_errors_total", kind="OperationalError") \
        == value(before, "suitability_database_errors_total", kind="OperationalError") + 1


def test_under_gunicorn_every_workers_counts_add_up_even_after_a_worker_dies(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    env = {"SUITABILITY_METRICS": "true", "SUITABILITY_METRICS_TOKEN": TOKEN, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    with Gunicorn(tmp_path, workers=2, env=env) as server:
        pids = server.wait_for_workers(2)
        assert set(server.health_by_worker(2)) == pids  # each worker has answered (and counted) a request
        token = new_api_key(server.database())
        sent: list[int] = []

        def post(count: int) -> None:
            for _ in range(count):
                response = requests.post(f"{server.url}/api/v1/screenings", json={"intake": example_intake()},
                                         headers={"Authorization": f"Bearer {token}"}, timeout=60)
                sent.append(response.status_code)

        threads = [threading.Thread(target=post, args=(5,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sent == [200] * 20

        def api_screenings() -> float:
            page = requests.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
            assert page.status_code == 200
            found = samples(page.text)
            return sum(v for (name, labels), v in found.items()
                       if name == "suitability_screenings_total" and ("door", "api") in labels)

        assert [api_screenings() for _ in range(4)] == [20.0] * 4  # whichever worker answers the scrape
        written = {name.rsplit("_", 1)[1].removesuffix(".db") for name in os.listdir(folder)}
        assert {str(pid) for pid in pids} <= written  # both workers wrote their own samples
        victim = min(pids)
        os.kill(victim, signal.SIGKILL)
        server.wait_for_workers(2, exclude=frozenset({victim}))
        server.wait_until_healthy()
        assert api_screenings() == 20.0  # a dead worker's counts still count


def test_the_cli_counts_its_screenings_into_the_servers_folder(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "SUITABILITY_METRICS": "true",
           "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "suitability.cli", "screen", str(ROOT / "examples" / "intake.json")],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)["outcome"]
    script = ("from prometheus_client import CollectorRegistry, generate_latest\n"
              "from prometheus_client.multiprocess import MultiProcessCollector\n"
              "r = CollectorRegistry(); MultiProcessCollector(r); print(generate_latest(r).decode())")
    page = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
                          check=True).stdout
    assert value(samples(page), "suitability_screenings_total", outcome=outcome, door="cli") == 1
