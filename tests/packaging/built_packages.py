"""Built packages and fresh virtual environments outside the repository (a module of its own: every test folder
has a conftest, and these names are imported by the tests)."""

from __future__ import annotations

import os
import subprocess
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 900  # durable-rules compiles its C extension once; pip's cache keeps the wheel after that


@dataclass(frozen=True)
class Dist:
    sdist: Path
    wheel: Path


@dataclass(frozen=True)
class Env:
    """A virtual environment with one build of the package installed, and a working folder outside the repo."""

    root: Path
    home: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def environ(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items()
                if not k.startswith(("SUITABILITY_", "PYTHON", "VIRTUAL_ENV", "PROMETHEUS_")) and k != "DATABASE_URL"}
        return {**keep, "PATH": f"{self.bin}{os.pathsep}{keep.get('PATH', '')}",
                "SUITABILITY_INSTANCE_PATH": str(self.home / "instance")}

    def run(self, *argv: str, stdin: str = "", timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run a command from the environment's bin folder, in its working folder; never from the repository."""
        command = [str(self.bin / argv[0]), *argv[1:]]
        return subprocess.run(command, input=stdin, capture_output=True, text=True, env=self.environ(), check=False,
                              cwd=self.home, timeout=timeout)


def check_ran(done: subprocess.CompletedProcess[str], what: str) -> None:
    if done.returncode != 0:
        raise AssertionError(f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def make_env(tmp_path_factory: pytest.TempPathFactory, name: str, requirement: str) -> Env:
    """A fresh venv (no system site-packages) with `requirement` installed by pip, its cache reused."""
    base = tmp_path_factory.mktemp(name)
    root, home = base / "venv", base / "home"
    home.mkdir()
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    done = subprocess.run([str(root / "bin" / "python"), "-m", "pip", "install", "--quiet", requirement],
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT, cwd=home, check=False)
    check_ran(done, f"pip install {requirement}")
    return Env(root=root, home=home)
