"""The OpenAPI document is one that tools accept: Redocly CLI's `recommended` rules find nothing wrong with it,
and a typed client generated from it by openapi-python-client screens an intake against a served app."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.common.api_support import make_app, new_key

from suitability import screen
from suitability.intake import parse_intake

ROOT = Path(__file__).resolve().parents[3]
# Pinned, so a new release of the linter's rules cannot fail CI overnight; REDOCLY_CLI overrides it.
REDOCLY = os.environ.get("REDOCLY_CLI", "@redocly/cli@2.77.0")
CLIENT_PACKAGE = "suitability_api_client"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    """The app on a real loopback port (the generated client speaks HTTP through httpx)."""
    folder = tmp_path_factory.mktemp("served")
    app = make_app(folder, f"sqlite:///{folder / 'api.db'}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def document(served: tuple[Flask, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    app, _ = served
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(app.test_client().get("/api/v1/openapi.json").get_json(), indent=1))
    return path


def test_redocly_recommended_rules_find_no_error_or_warning(document: Path) -> None:
    npx = shutil.which("npx")
    if npx is None:
        pytest.skip("Node.js (npx) is not installed: .ci/run installs it; the lint needs @redocly/cli from npm")
    done = subprocess.run([npx, "--yes", REDOCLY, "lint", "--extends", "recommended", "--format", "json",
                           str(document)], capture_output=True, text=True, timeout=600, check=False,
                          cwd=document.parent)
    start = done.stdout.find("{")
    assert start >= 0, f"no report from Redocly ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    report = json.loads(done.stdout[start:])
    problems = [f"{p['severity']} {p['ruleId']}: {p['message']} at {p['location'][0]['pointer']}"
                for p in report.get("problems", [])]
    assert report["totals"]["errors"] == 0 and report["totals"]["warnings"] == 0, "\n".join(problems[:40])


def test_the_intakes_own_keywords_are_extensions_in_the_document(document: Path) -> None:
    intake = json.loads(document.read_text())["components"]["schemas"]["Intake"]["properties"]
    assert intake["pregnant"]["x-topic"] == "pregnancy"
    assert intake["retinoid_last_use"]["x-enable-when"] == {"retinoid": ["yes"]}
    assert intake["retinoid_last_use"]["x-blank-means"] == "still_using"
    assert not any(key in schema for schema in intake.values() for key in ("topic", "enable_when", "blank_means"))


@pytest.fixture(scope="module")
def generated_client(document: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`openapi-python-client generate` from the served document, imported as a package."""
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent)) \
        or shutil.which("openapi-python-client")
    if generator is None:
        pytest.skip("openapi-python-client (dev extra) is not installed")
    out = tmp_path_factory.mktemp("client")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([generator, "generate", "--path", str(document), "--output-path",
                           str(out / CLIENT_PACKAGE), "--meta", "none"], capture_output=True, text=True,
                          timeout=600, check=False, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    package = out / CLIENT_PACKAGE
    spec = importlib.util.spec_from_file_location(CLIENT_PACKAGE, package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[CLIENT_PACKAGE] = module  # its submodules are found through the package's own __path__
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        for name in [m for m in sys.modules if m == CLIENT_PACKAGE or m.startswith(CLIENT_PACKAGE + ".")]:
            del sys.modules[name]


def test_a_generated_typed_client_screens_an_intake(generated_client: Any, served: tuple[Flask, str]) -> None:
    app, base_url = served
    create = importlib.import_module(f"{CLIENT_PACKAGE}.api.default.create_screening")
    models = importlib.import_module(f"{CLIENT_PACKAGE}.models")
    sample = json.loads((ROOT / "examples" / "intake.json").read_text())
    with generated_client.AuthenticatedClient(base_url=base_url, token=new_key(app)) as client:
        response = create.sync_detailed(client=client, body=models.ScreeningRequest.from_dict(
            {"intake": sample, "store": False}))
    assert response.status_code == 200, response.content[:500]
    result = response.parsed
    assert isinstance(result, models.ScreeningResult)  # typed, not a dict
    expected = screen(parse_intake(sample))
    assert result.decision.outcome.value == expected.outcome.value
    assert str(result.decision.earliest_date) == str(expected.earliest_date)
    assert [d.limit_mm for d in result.decision.depth_limits] == [d.limit_mm for d in expected.depth_limits]


def test_the_generated_client_gets_a_typed_problem_for_a_bad_intake(generated_client: Any,
                                                                    served: tuple[Flask, str]) -> None:
    app, base_url = served
    models = importlib.import_module(f"{CLIENT_PACKAGE}.models")
    sample = json.loads((ROOT / "examples" / "intake.json").read_text())
    sample["fitzpatrick"] = "VII"  # the typed model refuses it before sending; a raw post shows the server does
    with generated_client.AuthenticatedClient(base_url=base_url, token=new_key(app, "second")) as client:
        response = client.get_httpx_client().post("/api/v1/screenings", json={"intake": sample})
    assert response.status_code == 422
    problem = models.Problem.from_dict(response.json())
    assert problem.status == 422 and "VII" not in response.text
