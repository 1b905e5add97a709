"""The sdist and the wheel are complete: installed into fresh environments outside the repository, they screen,
check and test their rules, and serve the patient form; the core-only install imports no Flask.

Slow (a build and three `pip install`s, once per session): `pytest -m "not packaging"` leaves it out.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.packaging.built_packages import ROOT, Env

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(1800)]


@pytest.fixture(params=["wheel", "sdist"])
def server_env(request: pytest.FixtureRequest) -> Env:
    env: Env = request.getfixturevalue(f"{request.param}_env")
    return env


def ok(env: Env, *argv: str) -> str:
    done = env.run(*argv)
    assert done.returncode == 0, f"{' '.join(argv)} -> {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


def test_the_installed_package_reads_its_own_data_not_the_repository(server_env: Env) -> None:
    where = ok(server_env, "python", "-c",
               "import suitability.rules.loading as r, suitability.web.assets as a, suitability.cli.core as c;"
               "print(r.default_rules_dir()); print(a.web_dir()); print(c.sample_intake_path())")
    for line in where.splitlines():
        assert line.startswith(str(server_env.root)) and "/suitability/_data/" in line, line


def test_demo_runs_from_the_installed_package(server_env: Env) -> None:
    out = ok(server_env, "suitability", "demo")
    from_source = subprocess.run([sys.executable, "-m", "suitability.cli", "demo"], capture_output=True, text=True,
                                 env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=120, check=True)
    assert out.startswith("Sample pre-screen") and "Rule set sha256:" in out
    assert out == from_source.stdout  # the same rules, sample and rule-set version as the source tree


def test_rules_check_and_rules_test_pass_from_the_installed_package(server_env: Env) -> None:
    assert ok(server_env, "suitability", "rules", "check").startswith("ok: ")
    helps = ok(server_env, "suitability", "rules", "--help")
    if "{" in helps and "test" in helps.split("{", 1)[1].split("}", 1)[0].split(","):
        ok(server_env, "suitability", "rules", "test")


def test_migrations_upgrade_a_new_database_from_the_installed_package(server_env: Env) -> None:
    ok(server_env, "suitability", "db", "upgrade")
    current = ok(server_env, "suitability", "db", "current").strip()
    assert current.startswith("current: 0") and current.split("; newest: ")[0][9:] == current.split("; newest: ")[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(server_env: Env) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([str(server_env.bin / "suitability"), "serve", "--host", "127.0.0.1", "--port",
                                str(port)], env=server_env.environ(), cwd=server_env.home,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read() if process.stderr else "server exited"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()


def test_the_installed_app_serves_the_form_and_its_assets(served: str) -> None:
    with urllib.request.urlopen(served + "/", timeout=30) as page:
        html = page.read().decode()
        assert page.status == 200
    assert "<form" in html and 'name="csrf_token"' in html
    with urllib.request.urlopen(served + "/static/site.css", timeout=30) as css:
        assert css.status == 200 and len(css.read()) > 100


def test_the_core_install_screens_without_flask(core_env: Env) -> None:
    script = (
        "import json, sys, suitability\n"
        "from suitability.cli.core import sample_intake_path\n"
        "intake = suitability.Intake.model_validate_json(sample_intake_path().read_bytes())\n"
        "print(suitability.screen(intake).outcome.value)\n"
        "web = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'sqlalchemy', 'gunicorn'))\n"
        "assert not web, web\n"
    )
    assert ok(core_env, "python", "-c", script).strip()
    assert ok(core_env, "suitability", "demo").startswith("Sample pre-screen")
    assert ok(core_env, "suitability", "rules", "check").startswith("ok: ")
    missing = core_env.run("python", "-c", "import flask")
    assert missing.returncode != 0 and "ModuleNotFoundError" in missing.stderr


def test_a_server_command_on_the_core_install_names_the_extra(core_env: Env) -> None:
    done = core_env.run("suitability", "serve")
    assert done.returncode == 2
    assert "pip install 'suitability[server]'" in done.stderr and "Traceback" not in done.stderr


def _tracked(folder: str) -> set[str]:
    """The files git tracks under a folder of the source tree (what a package must carry)."""
    listed = subprocess.run(["git", "ls-files", "-z", folder], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:  # not a git checkout (e.g. an unpacked sdist): every file but caches
        return {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    return {name for name in listed.stdout.decode().split("\0") if name and not name.endswith(".pyc")}


def test_the_sdist_and_the_wheel_hold_every_data_file_of_the_source_tree(dist: Any) -> None:
    import tarfile
    import zipfile

    with tarfile.open(dist.sdist) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        in_sdist = {name.removeprefix(top + "/") for name in sdist.getnames()}
    in_wheel = set(zipfile.ZipFile(dist.wheel).namelist())
    migrations = _tracked("src/suitability/storage/migrations")
    assert "src/suitability/storage/migrations/script.py.mako" in migrations
    for folder in ("rules", "web", "examples"):
        files = _tracked(folder)
        assert files and files <= in_sdist, sorted(files - in_sdist)[:5]
        shipped = {f"suitability/_data/{name}" for name in files}
        assert shipped <= in_wheel, sorted(shipped - in_wheel)[:5]
    assert migrations <= in_sdist
    assert {name.removeprefix("src/") for name in migrations} <= in_wheel
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml"} <= in_sdist
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in in_wheel)
