"""Built packages and fresh virtual environments, made once per test session and outside the repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.packaging.built_packages import BUILD_TIMEOUT, ROOT, Dist, Env, check_ran, make_env


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """The sdist, and the wheel built from that sdist (so a file missing from the sdist is missing from both)."""
    pytest.importorskip("build", reason="the `build` package (dev extra) builds the sdist and wheel")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], check=False,
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT, cwd=out)
    check_ran(done, "python -m build")
    (sdist,) = out.glob("suitability-*.tar.gz")
    (wheel,) = out.glob("suitability-*.whl")
    return Dist(sdist=sdist, wheel=wheel)


@pytest.fixture(scope="session")
def wheel_env(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    env = make_env(tmp_path_factory, "wheel-server", f"suitability[server] @ {dist.wheel.as_uri()}")
    yield env
    shutil.rmtree(env.root, ignore_errors=True)


@pytest.fixture(scope="session")
def sdist_env(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    env = make_env(tmp_path_factory, "sdist-server", f"suitability[server] @ {dist.sdist.as_uri()}")
    yield env
    shutil.rmtree(env.root, ignore_errors=True)


@pytest.fixture(scope="session")
def core_env(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    env = make_env(tmp_path_factory, "wheel-core", str(dist.wheel))
    yield env
    shutil.rmtree(env.root, ignore_errors=True)
