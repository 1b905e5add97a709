"""`users add` without a terminal says how to give the password instead of ending in a termios traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _users_add(tmp_path: Path, *extra: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SUITABILITY_INSTANCE_PATH": str(tmp_path),
           "SUITABILITY_DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}"}
    return subprocess.run([sys.executable, "-m", "suitability.cli", "users", "add", "alex", *extra], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_users_add_without_a_terminal_points_to_password_stdin(tmp_path: Path) -> None:
    done = _users_add(tmp_path)
    assert done.returncode == 2
    assert "--password-stdin" in done.stderr and "Traceback" not in done.stderr
    assert _users_add(tmp_path, "--password-stdin", stdin="a-long-enough-password\n").returncode == 0
