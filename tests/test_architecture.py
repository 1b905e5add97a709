"""The layout is the architecture: an I/O-free core that knows no web framework or database, one engine adapter
that alone touches durable-rules, and a wheel that ships its rules and web assets inside the package."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from suitability.ruleset import content_version

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "suitability"
SHELLS = {"web", "storage", "api", "fhir", "review", "cli", "services"}  # the layers around the core
SHELL_WORDS = SHELLS | {"wsgi", "app", "server", "serve", "views", "shell"}
SHELL_LIBRARIES = {"flask", "werkzeug", "sqlalchemy", "alembic", "flask_login", "flask_wtf", "jinja2", "gunicorn",
                   "psycopg", "argon2", "fhir", "prometheus_client", "requests", "standardwebhooks"}
ENGINE_LIBRARIES = {"durable", "durable_rules_engine"}
ENGINE_ADAPTER = PACKAGE / "engine.py"


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def is_shell(path: Path) -> bool:
    """A shell lives in a shell package, or says so in its name (e.g. `web_forms.py`, `wsgi.py`)."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0] in SHELLS or any(word in SHELL_WORDS for part in parts for word in part.split("_"))


def imported(path: Path, root: Path = PACKAGE) -> Iterator[tuple[str, int]]:
    """Every module an import statement names (relative ones resolved), anywhere in the file, with its line."""
    package = ["suitability", *path.relative_to(root).parent.parts]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # `from . import web` imports the module suitability.web
                yield f"{module}.{alias.name}", node.lineno
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            yield str(node.args[0].value), node.lineno


def top(module: str) -> str:
    return module.split(".")[0]


def test_the_package_has_core_modules_and_the_checks_see_them() -> None:
    core = [p.name for p in modules() if not is_shell(p)]
    for name in ("intake.py", "ruleset.py", "engine.py", "combine.py", "screening.py"):
        assert name in core
    assert is_shell(PACKAGE / "cli" / "core.py")


def test_the_core_imports_no_web_framework_database_or_shell() -> None:
    problems = []
    for path in modules():
        if is_shell(path):
            continue
        for module, line in imported(path):
            parts = module.split(".")
            if top(module) in SHELL_LIBRARIES or (parts[0] == "suitability" and len(parts) > 1 and parts[1] in SHELLS):
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert problems == []


def test_only_the_engine_adapter_imports_durable_rules() -> None:
    importers = {path for path in modules() for module, _ in imported(path) if top(module) in ENGINE_LIBRARIES}
    assert importers == {ENGINE_ADAPTER}


def test_the_import_checks_catch_what_they_should(tmp_path: Path) -> None:
    """The parser itself: relative, lazy and dynamic imports are all seen."""
    fake = tmp_path / "suitability"
    (fake / "sub").mkdir(parents=True)
    sample = fake / "sub" / "combine.py"
    sample.write_text("from .. import web\nfrom ..web.forms import x\ndef f():\n    import flask\n"
                      "    __import__('durable.lang')\n", encoding="utf-8")
    found = {module for module, _ in imported(sample, fake)}
    assert {"suitability.web", "suitability.web.forms", "flask", "durable.lang"} <= found
    assert is_shell(PACKAGE / "web_forms.py") and is_shell(PACKAGE / "storage" / "sql.py")
    assert not is_shell(PACKAGE / "combine.py")



def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(("suitability", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def import_graph(paths: list[Path], root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the modules among `paths` it imports (late and TYPE_CHECKING imports included: a loop hidden
    in a function or a type hint is still a loop a reader climbs)."""
    names = {module_name(p, root): p for p in paths}
    graph: dict[str, set[str]] = {name: set() for name in names}
    for name, path in names.items():
        for module, _ in imported(path, root):
            while module and module not in names:
                module = module.rpartition(".")[0]
            if module and module != name and not name.startswith(module + "."):  # a package's own __init__
                graph[name].add(module)
    return graph


def first_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import loop of the graph, as the modules around it, or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_core_has_no_import_loop() -> None:
    core = [p for p in modules() if not is_shell(p)]
    assert len(core) > 20  # the graph is of the real core
    assert first_cycle(import_graph(core)) == []


def test_the_loop_check_finds_a_late_or_type_only_loop(tmp_path: Path) -> None:
    fake = tmp_path / "suitability"
    fake.mkdir()
    (fake / "combine.py").write_text("from .validity import x\n", encoding="utf-8")
    (fake / "validity.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .screening import y\n",
                                      encoding="utf-8")
    (fake / "screening.py").write_text("def f():\n    from . import combine\n", encoding="utf-8")
    (fake / "facts.py").write_text("import json\n", encoding="utf-8")
    graph = import_graph(sorted(fake.glob("*.py")), fake)
    assert first_cycle(graph) == ["suitability.combine", "suitability.validity", "suitability.screening",
                                  "suitability.combine"]
    (fake / "screening.py").write_text("from .facts import z\n", encoding="utf-8")
    assert first_cycle(import_graph(sorted(fake.glob("*.py")), fake)) == []

# --- packaging ------------------------------------------------------------------------------------------------------

IGNORED = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis",
                                 ".pytest_cache", ".mypy_cache", ".ruff_cache", "node_modules", "instance",
                                 "test-artifacts", "tests", "benchmarks")


def data_files(folder: str) -> set[str]:
    """The files of a top-level data folder as the wheel should hold them."""
    source = ROOT / folder
    return {f"suitability/_data/{folder}/{p.relative_to(source).as_posix()}" for p in source.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the source tree (so the checkout stays clean)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    out = base / "dist"
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
                            capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0 and ("No matching distribution" in result.stderr or "satisfies the requirement"
                                   in result.stderr):
        pytest.skip(f"pip could not fetch the build requirements (offline?): {result.stderr[-300:]}")
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("suitability-*.whl")
    return built


def test_the_wheel_ships_the_rules_and_web_assets_inside_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "suitability/_data/rules/ruleset.yaml" in names
    assert data_files("rules") <= names
    assert data_files("web") <= names
    if (ROOT / "web").is_dir() and any(p.is_file() for p in (ROOT / "web").rglob("*")):
        assert any(n.startswith("suitability/_data/web/") for n in names)
    assert {n.split("/")[0] for n in names} <= {"suitability", wheel.name.split("-py")[0] + ".dist-info"}, \
        "the wheel installs something besides the suitability package"


def test_the_installed_package_finds_its_rules_without_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import json, suitability\n"
        "from suitability.ruleset import default_rules_dir, load_rules\n"
        "from suitability.intake import parse_intake\n"
        "from suitability import default_screener\n"
        "intake = parse_intake({'age': 40, 'setting': 'clinic', 'screening_date': '2026-01-05',"
        " 'treatments': [{'area': 'cheeks', 'concern': 'acne_scars'}]})\n"
        "print(json.dumps([suitability.__file__, str(default_rules_dir()), load_rules().version,"
        " default_screener().screen(intake).outcome.value]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SUITABILITY_RULES_DIR", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    module, rules_dir, version, outcome = json.loads(result.stdout)
    assert Path(module).is_relative_to(site)
    assert Path(rules_dir) == site / "suitability" / "_data" / "rules"
    assert version == content_version(ROOT / "rules")
    assert outcome != "suitable"  # acne scars on the cheeks: at least precautions, never a silent pass
