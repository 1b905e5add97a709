"""Real faults for the ops tests: a PostgreSQL server this test may stop and start, small or read-only file
systems (tmpfs, when this process may mount), and the checks every fault test makes of an app."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from tests.common import pg
from tests.common.ops_support import example_intake
from tests.common.patient_form import answer_all, example_answers, submit_token
from tests.common.references import shows_a_reference

from suitability.fhir import response_from_intake
from suitability.fhir.codes import FHIR_JSON
from suitability.intake import parse_intake


class StoppablePostgres:
    """A throwaway PostgreSQL (tests/common/pg.py's) that a test stops and starts again on the same port."""

    def __init__(self) -> None:
        bin_dir = pg._binaries()
        if bin_dir is None:
            if os.environ.get("CI") == "true":
                pytest.fail("no PostgreSQL binaries under CI=true", pytrace=False)
            pytest.skip("no PostgreSQL binaries (initdb, pg_ctl)")
        self.server = pg._Throwaway(bin_dir)
        self.admin_url = self.server.start()
        self.url = self.admin_url.rsplit("/", 1)[0] + "/faults"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text('CREATE DATABASE "faults"'))
        engine.dispose()

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run([*self.server.as_user, str(self.server.bin / "pg_ctl"), "-D", str(self.server.data), *args],
                       check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        """Fast shutdown: every connection is closed, new ones are refused."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        options = f"-k {self.server.root} -h 127.0.0.1 -p {self.server.port} -c fsync=off -c full_page_writes=off"
        self._pg_ctl("-o", options, "-l", str(self.server.root / "log"), "-w", "-t", "60", "start")

    def close(self) -> None:
        self.server.stop()


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `path` (skip the test where this process may not mount)."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextmanager
def read_only_view(path: Path) -> Iterator[None]:
    """Bind-mount the folder `path` over itself read-only (as a volume mounted read-only); writable again when
    `make_writable` is called or the block ends. Skips where this process may not mount."""
    done = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {done.stderr.strip() or done.returncode}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], capture_output=True, check=True)
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def make_writable(path: Path) -> None:
    """End a `read_only_view` early: the bind mount becomes writable (the open handles stay as they are)."""
    subprocess.run(["mount", "-o", "remount,rw,bind", str(path)], capture_output=True, check=True)


def fill(directory: Path) -> Path:
    """Write one file until the file system is full; returns it (delete it to free the space)."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as handle:  # unbuffered: close has nothing left to flush
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError:
                pass
    assert shutil.disk_usage(directory).free < 4096
    return filler


@dataclass
class Outcomes:
    """What each door (JSON API, patient form, FHIR) answered while the fault lasted."""

    api_status: int
    api_type: str
    api_body: dict[str, object]
    form_status: int
    form_text: str
    form_token: str
    fhir_status: int
    fhir_body: dict[str, object]


def try_every_door(app: Flask, client: FlaskClient, auth: dict[str, str], key: str) -> Outcomes:
    """A stored API submission under `key`, a patient form sent from the check page (answered while the fault
    lasted: answers live in the browser's session, not the database), and a FHIR QuestionnaireResponse stored."""
    api = client.post("/api/v1/screenings", json={"intake": example_intake(), "store": True},
                      headers={**auth, "Idempotency-Key": key})
    fhir = client.post("/fhir/QuestionnaireResponse?store=true", json=response_from_intake(parse_intake(
        example_intake())), headers={**auth, "Idempotency-Key": f"fhir-{key}", "Content-Type": FHIR_JSON})
    answer_all(client, example_answers())
    token = submit_token(client)
    form = client.post("/submit", data={"token": token})
    return Outcomes(api.status_code, api.mimetype or "", api.get_json(silent=True) or {}, form.status_code,
                    form.get_data(as_text=True), token, fhir.status_code, fhir.get_json(silent=True) or {})


def assert_honest_failure(seen: Outcomes) -> None:
    """503 problem details on the API, the honest "not saved" page on the form: nothing claims success."""
    assert seen.api_status == 503 and seen.api_type == "application/problem+json", seen
    assert "case" not in seen.api_body and "decision" not in seen.api_body
    assert seen.form_status == 503 and "not saved" in seen.form_text, seen.form_status
    assert not shows_a_reference(seen.form_text) and "Traceback" not in seen.form_text
    assert seen.fhir_status == 503 and seen.fhir_body.get("resourceType") == "OperationOutcome", seen.fhir_status
