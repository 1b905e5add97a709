"""Without the `server` extra the core still screens, and a server command says which extra to install.

The web, storage and gunicorn packages are hidden from a child interpreter by a meta-path finder that refuses
them, as a core-only installation would (the built-package test in test_built_packages_packaging.py checks a
real one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_ONLY = ("flask", "werkzeug", "sqlalchemy", "alembic", "gunicorn", "argon2", "fhir", "requests",
               "psycopg", "prometheus_client", "standardwebhooks")

HIDE = f"""
import sys
from importlib.abc import MetaPathFinder

class Hide(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {SERVER_ONLY!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, Hide())
from suitability.cli import main
code = main(sys.argv[1:])
leaked = sorted(m for m in sys.modules if m.split(".")[0] in {SERVER_ONLY!r})
assert not leaked, leaked
sys.exit(code)
"""


def run_core_only(*argv: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-c", HIDE, *argv], input=stdin.decode(), capture_output=True,
                          text=True, env=env, timeout=120, cwd=ROOT, check=False)


def test_the_core_commands_run_without_the_server_packages() -> None:
    sample = (ROOT / "examples" / "intake.json").read_bytes()
    screened = run_core_only("screen", "-", stdin=sample)
    assert screened.returncode == 0, screened.stderr
    assert json.loads(screened.stdout)["outcome"]
    for argv in (("schema",), ("rules", "check"), ("rules", "list"), ("rules", "test"), ("rules", "diff-profiles"),
                 ("demo",), ("config",)):
        done = run_core_only(*argv)
        assert done.returncode == 0, (argv, done.stderr)


def test_the_rule_catalogue_is_written_without_the_server_packages(tmp_path: Path) -> None:
    done = run_core_only("rules", "docs", "--out", str(tmp_path / "catalogue"))
    assert done.returncode == 0, done.stderr
    assert sorted(p.suffix for p in (tmp_path / "catalogue").iterdir()) == [".html", ".md"]


@pytest.mark.parametrize("argv", [("serve",), ("serve", "--production"), ("db", "upgrade"), ("users", "list"),
                                  ("keys", "list")])
def test_a_server_command_without_the_extra_names_it_and_exits_2(argv: tuple[str, ...]) -> None:
    done = run_core_only(*argv)
    assert done.returncode == 2, done.stderr
    assert "pip install 'suitability[server]'" in done.stderr
    assert "Traceback" not in done.stderr
