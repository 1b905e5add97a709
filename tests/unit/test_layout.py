"""The test suite's own layout: each test module in its declared folder, unit and integration folders named after
the package, helpers in tests/common/, every folder a package, and no test that edits sys.path."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Folder -> what belongs there; a test module anywhere else is misplaced.
KINDS = {
    "unit": "no database server, no browser, no server process; folders mirror src/suitability/",
    "integration": "the app or storage on real SQLite and PostgreSQL; folders mirror src/suitability/",
    "properties": "Hypothesis properties of the whole screen",
    "e2e": "Chromium and live HTTP servers",
    "ops": "gunicorn, nginx, processes and faults",
    "docs": "what the documentation claims",
    "packaging": "the built sdist and wheel",
}
MIRRORED = ("unit", "integration")
HELPERS = "common"
# Helpers that serve one folder only stay beside its tests.
LOCAL_HELPERS = {"docs/readme_blocks.py", "packaging/built_packages.py"}
SPECIAL = {"__init__.py", "conftest.py"}
# What a unit test may not use (a database server) and what neither a unit nor an integration test may use
# (a browser, a server process): fixtures it requests, names it uses, modules it imports.
SERVER_DATABASE = {"postgres_server", "db", "empty_url", "BOTH_BACKENDS"}
BROWSER_OR_SERVER = {"playwright", "tests.common.gunicorn_support", "tests.common.nginx_support"}


def _is_test_module(path: Path) -> bool:
    return path.name.startswith("test_") or path.name.endswith("_test.py")


def misplaced(tests: Path, package: Path) -> list[str]:
    """Every way the Python files under `tests` break the layout (empty when they keep it)."""
    problems: list[str] = []
    for path in sorted(tests.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        relative = path.relative_to(tests)
        top = relative.parts[0] if len(relative.parts) > 1 else ""
        if not (path.parent / "__init__.py").exists():
            problems.append(f"{relative.parent}/ has no __init__.py (tests are one package)")
        if _is_test_module(path):
            if top not in KINDS:
                problems.append(f"{relative}: a test module outside {', '.join(sorted(KINDS))}")
            elif top in MIRRORED:
                folders = relative.parts[1:-1]
                target = package.joinpath(*folders)
                if folders and not ((target / "__init__.py").exists() or target.with_suffix(".py").exists()):
                    problems.append(f"{relative}: {'/'.join(folders)} is no package or module of the code")
        elif path.name not in SPECIAL and top != HELPERS and relative.as_posix() not in LOCAL_HELPERS:
            problems.append(f"{relative}: a helper outside tests/{HELPERS}/")
        problems += [f"{relative}:{line}: {what}" for line, what in _path_edits_and_aliases(path)]
        if top in MIRRORED:
            problems += [f"{relative}: {what}" for what in _beyond_its_kind(path, top)]
    return problems


def _beyond_its_kind(path: Path, kind: str) -> list[str]:
    """A unit test that asks for a database server, or a unit or integration test that drives a browser or
    starts a server process."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {arg.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
             for arg in node.args.args} | {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    found = []
    if kind == "unit" and names & SERVER_DATABASE:
        found.append(f"uses {', '.join(sorted(names & SERVER_DATABASE))}: a database server, so tests/integration/")
    if any(module.split(".")[0] == "playwright" or module in BROWSER_OR_SERVER for module in modules):
        found.append("drives a browser or starts a server process, so tests/e2e/ or tests/ops/")
    return found


def _path_edits_and_aliases(path: Path) -> list[tuple[int, str]]:
    """Lines that change sys.path (or add a site folder), and fixtures imported under another name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        target = node.func if isinstance(node, ast.Call) else None
        if isinstance(target, ast.Attribute) and ast.unparse(target.value) == "sys.path":
            found.append((node.lineno, "edits sys.path (import tests.<folder>.<module> instead)"))
        elif isinstance(target, ast.Attribute) and ast.unparse(target) == "site.addsitedir":
            found.append((node.lineno, "adds a site folder"))
        elif isinstance(node, ast.Assign | ast.AugAssign):
            names = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(ast.unparse(name) == "sys.path" for name in names):
                found.append((node.lineno, "edits sys.path (import tests.<folder>.<module> instead)"))
        elif isinstance(node, ast.ImportFrom) and path.name == "conftest.py":
            renamed = [alias for alias in node.names if alias.asname and alias.asname != alias.name]
            if renamed:
                found.append((node.lineno, "a fixture imported under another name: define it under the name used"))
    return found


def test_the_shipped_tests_keep_the_layout() -> None:
    assert misplaced(ROOT / "tests", ROOT / "src" / "suitability") == []


def test_every_declared_folder_exists_and_holds_tests() -> None:
    for kind in KINDS:
        assert any((ROOT / "tests" / kind).rglob("test_*.py")), kind


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """A tiny package (`pkg/web/`, `pkg/engine.py`) and a test tree that keeps the layout."""
    package = tmp_path / "pkg"
    (package / "web").mkdir(parents=True)
    for name in ("__init__.py", "engine.py", "web/__init__.py"):
        (package / name).write_text("")
    tests = tmp_path / "tests"
    for name in ("__init__.py", "conftest.py", "common/__init__.py", "common/helper.py", "unit/__init__.py",
                 "unit/test_engine.py", "unit/web/__init__.py", "unit/web/test_views.py", "e2e/__init__.py",
                 "e2e/deep/__init__.py", "e2e/deep/test_journey.py"):
        (tests / name).parent.mkdir(parents=True, exist_ok=True)
        (tests / name).write_text("")
    return tests, package


def test_a_tree_that_keeps_the_layout_passes(tree: tuple[Path, Path]) -> None:
    assert misplaced(*tree) == []


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("test_top.py", "", "a test module outside"),
    ("shell/test_form.py", "", "a test module outside"),
    ("unit/nowhere/test_x.py", "", "no package or module of the code"),
    ("unit/helper.py", "", "a helper outside tests/common/"),
    ("unit/test_y.py", "import sys\nsys.path.insert(0, 'x')\n", "edits sys.path"),
    ("unit/test_y.py", "import sys\nsys.path += ['x']\n", "edits sys.path"),
    ("unit/test_y.py", "import sys\nsys.path = ['x']\n", "edits sys.path"),
    ("unit/test_y.py", "import site\nsite.addsitedir('x')\n", "adds a site folder"),
    ("unit/web/conftest.py", "from tests.common.helper import db_of_each_kind as db\n", "another name"),
    ("e2e/loose/test_z.py", "", "has no __init__.py"),
    ("unit/test_y.py", "def test_y(db):\n    pass\n", "a database server"),
    ("unit/web/test_y.py", "def test_y(postgres_server):\n    pass\n", "a database server"),
    ("unit/test_y.py", "from playwright.sync_api import Page\n", "drives a browser"),
    ("integration/test_y.py", "from tests.common.gunicorn_support import Gunicorn\n", "server process"),
])
def test_a_break_of_the_layout_is_named(tree: tuple[Path, Path], name: str, text: str, problem: str) -> None:
    tests, package = tree
    (tests / name).parent.mkdir(parents=True, exist_ok=True)
    for folder in (tests / name).parents:
        if folder != tests and folder.is_relative_to(tests) and "loose" not in folder.name:
            (folder / "__init__.py").touch()
    (tests / name).write_text(text)
    found = misplaced(tests, package)
    assert len(found) == 1 and problem in found[0], found


def test_a_folder_named_after_a_module_of_the_code_is_allowed(tree: tuple[Path, Path]) -> None:
    tests, package = tree
    (tests / "unit" / "engine").mkdir()
    (tests / "unit" / "engine" / "__init__.py").write_text("")
    (tests / "unit" / "engine" / "test_matching.py").write_text("")
    assert misplaced(tests, package) == []
