"""Every third-party module the package imports is a declared dependency: the core's in `dependencies`, the
shells' (web, API, FHIR, storage, CLI) in `dependencies` or the `server`/`postgres` extras. A package imported
only because another one happens to pull it in breaks the day that one stops."""

from __future__ import annotations

import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from tests.unit.test_architecture import imported, is_shell, modules

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _names(requirements: list[str]) -> set[str]:
    return {re.sub(r"[-_.]+", "-", re.split(r"[\s\[<>=!~;@]", r, maxsplit=1)[0]).lower() for r in requirements}


@functools.cache
def _installed() -> dict[str, list[str]]:
    return dict(importlib.metadata.packages_distributions())


def _distributions(module: str) -> set[str]:
    found = _installed().get(module.split(".")[0], [])
    return {re.sub(r"[-_.]+", "-", name).lower() for name in found}


def third_party(path: Path) -> set[str]:
    tops = {module.split(".")[0] for module, _ in imported(path)}
    return {t for t in tops if t and t != "suitability" and t not in sys.stdlib_module_names}


def test_every_imported_package_is_declared_where_it_is_needed() -> None:
    core = _names(PROJECT["dependencies"])
    extras = PROJECT["optional-dependencies"]
    server = core | _names(extras["server"]) | _names(extras["postgres"])
    problems = []
    for path in modules():
        allowed = server if is_shell(path) else core
        for module in sorted(third_party(path)):
            distributions = _distributions(module)
            if not distributions & allowed:
                where = "server/postgres extras" if is_shell(path) else "core dependencies"
                problems.append(f"{path.relative_to(ROOT)} imports {module} ({distributions or 'unknown'}), "
                                f"not in the {where}")
    assert problems == []


def test_the_check_sees_a_missing_declaration() -> None:
    assert _distributions("flask") == {"flask"} and "flask" not in _names(PROJECT["dependencies"])
    assert "requests" in _names(PROJECT["optional-dependencies"]["server"])
