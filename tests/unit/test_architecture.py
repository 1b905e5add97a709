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

from suitability.rules.loading import content_version

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "suitability"
SHELLS = {"web", "storage", "services", "wording", "api", "fhir", "review", "cli"}  # the layers around the core
SHELL_WORDS = SHELLS | {"wsgi", "app", "server", "serve", "views", "shell"}
SHELL_LIBRARIES = {"flask", "werkzeug", "sqlalchemy", "alembic", "flask_login", "flask_wtf", "jinja2", "gunicorn",
                   "psycopg", "argon2", "fhir", "prometheus_client", "requests", "standardwebhooks"}
ENGINE_LIBRARIES = {"durable", "durable_rules_engine"}
ENGINE_ADAPTER = PACKAGE / "matching" / "engine.py"


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
    core = [p.relative_to(PACKAGE).as_posix() for p in modules() if not is_shell(p)]
    for name in ("intake/model.py", "rules/loading.py", "matching/engine.py", "deciding/combine.py", "screening.py"):
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
    (fake / "alpha.py").write_text("from .beta import x\n", encoding="utf-8")
    (fake / "beta.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .gamma import y\n",
                                  encoding="utf-8")
    (fake / "gamma.py").write_text("def f():\n    from . import alpha\n", encoding="utf-8")
    (fake / "delta.py").write_text("import json\n", encoding="utf-8")
    graph = import_graph(sorted(fake.glob("*.py")), fake)
    assert first_cycle(graph) == ["suitability.alpha", "suitability.beta", "suitability.gamma", "suitability.alpha"]
    (fake / "gamma.py").write_text("from .delta import z\n", encoding="utf-8")
    assert first_cycle(import_graph(sorted(fake.glob("*.py")), fake)) == []

# --- the core's layering ------------------------------------------------------------------------------------------
# The pipeline, bottom to top. Each core layer may import only the layers listed for it (and itself): the arrows
# point down the pipeline, so no package imports one above it, late and type-only imports included.
CORE_BASE = {"errors", "clock", "settings", "vocabulary", "decision"}  # top-level modules every layer may use
CORE_PACKAGES = ("intake", "rules", "matching", "deciding")
CORE_TOP = {"screening", "scenarios"}  # the whole pipeline (and the package's own __init__)
CORE_ARROWS: dict[str, set[str]] = {
    "base": set(),
    "intake": {"base"},
    "rules": {"base", "intake"},
    "matching": {"base", "intake", "rules"},
    "deciding": {"base", "intake", "rules", "matching"},
    "top": {"base", "intake", "rules", "matching", "deciding"},
}


def core_layer(module: str) -> str | None:
    """The core layer a module of suitability belongs to, or None when it is not part of the core."""
    parts = module.split(".")
    if parts[0] != "suitability":
        return None
    if len(parts) == 1:
        return "top"
    if parts[1] in CORE_PACKAGES:
        return parts[1]
    if len(parts) == 2 and parts[1] in CORE_BASE:
        return "base"
    if len(parts) == 2 and parts[1] in CORE_TOP:
        return "top"
    return None


def existing_module(module: str, names: set[str]) -> str:
    """The module an import names, without the attribute it takes from it (`suitability.intake.Intake`)."""
    while module and module not in names:
        module = module.rpartition(".")[0]
    return module


def layering_problems(root: Path = PACKAGE) -> list[str]:
    """Every import by a core module that goes against CORE_ARROWS, or out of the core."""
    paths = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    names = {module_name(p, root) for p in paths}
    problems = set()
    for path in paths:
        name = module_name(path, root)
        layer = core_layer(name)
        if layer is None:
            continue
        for spelled, line in imported(path, root):
            if top(spelled) != "suitability":
                continue
            target = existing_module(spelled, names)
            if not target or target == name or name.startswith(target + "."):  # itself, or its own package
                continue
            to = core_layer(target)
            if to is None or (to != layer and to not in CORE_ARROWS[layer]):
                problems.add(f"{name}:{line} ({layer}) imports {target} ({to or 'outside the core'})")
    return sorted(problems)


def test_every_module_of_the_core_sits_in_a_layer_of_the_pipeline() -> None:
    top_level = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert top_level <= CORE_BASE | CORE_TOP, "a new top-level module: put it in a core package or a layer"
    assert {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()} >= set(CORE_PACKAGES)
    assert set(CORE_ARROWS) == {core_layer(f"suitability.{n}") for n in (*CORE_BASE, *CORE_PACKAGES, *CORE_TOP)}


def test_the_core_imports_only_down_the_pipeline() -> None:
    assert layering_problems() == []


def test_the_layering_check_finds_an_import_up_the_pipeline(tmp_path: Path) -> None:
    """A late import from rules into deciding, a type-only one from intake into rules and an import of a shell
    are all refused; imports down the pipeline and inside a package are not."""
    fake = tmp_path / "suitability"
    for package in (*CORE_PACKAGES, "web"):
        (fake / package).mkdir(parents=True)
        (fake / package / "__init__.py").write_text("", encoding="utf-8")
    (fake / "__init__.py").write_text("from .screening import screen\n", encoding="utf-8")
    (fake / "errors.py").write_text("", encoding="utf-8")
    (fake / "screening.py").write_text("from .deciding.combine import combine\nfrom .errors import E\n", encoding="utf-8")
    (fake / "deciding" / "combine.py").write_text("from ..rules.model import Rule\n", encoding="utf-8")
    (fake / "rules" / "model.py").write_text("from . import loading\nfrom ..intake.facts import F\n", encoding="utf-8")
    (fake / "rules" / "loading.py").write_text("def f():\n    from ..deciding.combine import combine\n",
                                               encoding="utf-8")
    (fake / "intake" / "facts.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..rules.model import Rule\n", encoding="utf-8")
    (fake / "matching" / "engine.py").write_text("from ..web import app\n", encoding="utf-8")
    assert layering_problems(fake) == [
        "suitability.intake.facts:3 (intake) imports suitability.rules.model (rules)",
        "suitability.matching.engine:1 (matching) imports suitability.web (outside the core)",
        "suitability.rules.loading:2 (rules) imports suitability.deciding.combine (deciding)",
    ]
    (fake / "rules" / "loading.py").write_text("from .model import Rule\n", encoding="utf-8")
    (fake / "intake" / "facts.py").write_text("from ..errors import E\n", encoding="utf-8")
    (fake / "matching" / "engine.py").write_text("from ..rules import model\n", encoding="utf-8")
    assert layering_problems(fake) == []


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
        "from suitability.rules.loading import default_rules_dir, load_rules\n"
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

# --- layers: core <- storage <- services <- doors -------------------------------------------------------------------

DOORS = ("web", "api", "cli")  # the FHIR door is the API's /fhir blueprint (api/fhir_routes.py)
LAYERS = ("storage", "services", "wording", "fhir", *DOORS)  # packages of src/suitability; the rest is the core
# The allowed arrows between layers, declared once: a layer imports itself, the layers listed, nothing else.
# `wording` holds what every HTTP door says and in which language (questions, answer labels, the catalogue and
# each request's language), so no door borrows another's words. `fhir` is the FHIR R4 format (pure mappings of
# the intake and the decision to and from resources), which the API's FHIR routes and documentation speak.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "storage": {"core"},
    "services": {"core", "storage"},
    "wording": {"core"},
    "fhir": {"core"},
    **{door: {"core", "services", "wording", "fhir"} for door in DOORS},
}
# Arrows a module may draw against the layers, each declared with its reason.
DECLARED: dict[tuple[str, str], str] = {
    ("suitability.web", "api"): "the app factory registers the API and FHIR blueprints",
    ("suitability.web.database", "storage"): "the app factory opens the app's database",
    ("suitability.api.db", "storage"): "the API's per-request session of the app's database",
    ("suitability.cli.db", "storage"): "`suitability db` runs the migrations",
    ("suitability.cli.shell", "storage"): "the CLI opens the database it hands to services",
    ("suitability.cli.serve", "web"): "`suitability serve` runs the web app, built by its factory (the composition root)",
}


def layer(module: str) -> str | None:
    """The layer of a module of the package (None for anything outside it)."""
    parts = module.split(".")
    if parts[0] != "suitability":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "core"


def layer_arrows(paths: list[Path], root: Path = PACKAGE) -> dict[tuple[str, str], list[str]]:
    """(module, layer it imports) -> where, for every import that crosses into a layer its own does not allow."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        name = module_name(path, root)
        own = layer(name)
        assert own is not None
        for module, line in imported(path, root):
            target = layer(module)
            if target is not None and target != own and target not in ALLOWED[own]:
                found.setdefault((name, target), []).append(f"{path.relative_to(root)}:{line} {module}")
    return found


def test_every_import_between_layers_is_allowed_or_declared() -> None:
    arrows = layer_arrows(modules())
    new = {arrow: where for arrow, where in arrows.items()
           if arrow not in DECLARED}
    assert new == {}, "an import against the layers (core <- storage <- services <- doors)"
    gone = set(DECLARED) - set(arrows)
    assert gone == set(), "declared arrows that no longer exist: take them off the list"


def test_nothing_below_services_imports_services_or_a_door() -> None:
    """Storage and the core are below every door: no declaration can let them import upwards."""
    upward = [f"{path.relative_to(ROOT)}:{line} {module}" for path in modules()
              if layer(module_name(path)) in ("core", "storage")
              for module, line in imported(path) if layer(module) in ("services", *DOORS)]
    assert upward == []
    assert not any(layer(name) in ("core", "storage") for name, _ in DECLARED)


def test_the_whole_package_has_no_module_import_loop() -> None:
    assert first_cycle(import_graph(modules())) == []


def test_the_layer_check_sees_late_imports_against_the_layers(tmp_path: Path) -> None:
    fake = tmp_path / "suitability"
    for folder in ("storage", "services", "web", "api"):
        (fake / folder).mkdir(parents=True)
        (fake / folder / "__init__.py").write_text("", encoding="utf-8")
    (fake / "storage" / "cases.py").write_text("def f():\n    from ..api.webhooks import emit\n", encoding="utf-8")
    (fake / "services" / "submission.py").write_text("from ..storage.cases import f\n", encoding="utf-8")
    (fake / "api" / "db.py").write_text("from ..web.database import get_db\n", encoding="utf-8")
    (fake / "web" / "views.py").write_text("from ..services.submission import submit\nfrom ..intake import x\n",
                                           encoding="utf-8")
    arrows = layer_arrows(sorted(fake.rglob("*.py")), fake)
    assert set(arrows) == {("suitability.storage.cases", "api"), ("suitability.api.db", "web")}
    assert arrows[("suitability.storage.cases", "api")] == ["storage/cases.py:2 suitability.api.webhooks",
                                                            "storage/cases.py:2 suitability.api.webhooks.emit"]


# The library's process-wide screener (`suitability.screen`, `default_screener`, ...) is for Python callers only:
# an app owns its serving rules (services.serving.ServingRules in app.extensions) and passes its screener down.
GLOBAL_SCREENER = ("default_screener", "set_default_screener", "hold_default_screener", "installed_screener",
                   "screen")
APP_LAYERS = ("web", "api", "fhir", "storage", "services", "wording")


def global_screener_uses(paths: list[Path], root: Path = PACKAGE) -> list[str]:
    """Where a module of the app's layers reaches the process-wide screener: an import of it (late ones
    included), or `screening.<name>` / `suitability.<name>` read as an attribute."""
    names = {f"suitability.{where}{name}" for where in ("", "screening.") for name in GLOBAL_SCREENER}
    found: list[str] = []
    for path in paths:
        if layer(module_name(path, root)) not in APP_LAYERS:
            continue
        where = path.relative_to(root)
        found += [f"{where}:{line} {module}" for module, line in imported(path, root) if module in names]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Attribute) and node.attr in GLOBAL_SCREENER and isinstance(node.value, ast.Name) \
                    and node.value.id in ("screening", "suitability"):
                found.append(f"{where}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_no_door_service_or_storage_module_reaches_the_process_wide_screener() -> None:
    assert global_screener_uses(modules()) == []


def test_the_global_screener_check_sees_imports_late_imports_and_attributes(tmp_path: Path) -> None:
    fake = tmp_path / "suitability"
    for folder in ("storage", "services", "web", "api", "cli"):
        (fake / folder).mkdir(parents=True)
        (fake / folder / "__init__.py").write_text("", encoding="utf-8")
    (fake / "screening.py").write_text("def default_screener(): ...\n", encoding="utf-8")
    (fake / "storage" / "archive.py").write_text("def f():\n    from ..screening import default_screener\n",
                                                 encoding="utf-8")
    (fake / "api" / "docs.py").write_text("from .. import screening\nx = screening.installed_screener()\n",
                                          encoding="utf-8")
    (fake / "web" / "views.py").write_text("from suitability import screen\n", encoding="utf-8")
    (fake / "services" / "fine.py").write_text("from ..screening import Screener\n", encoding="utf-8")
    (fake / "cli" / "library.py").write_text("from ..screening import default_screener\n", encoding="utf-8")
    assert global_screener_uses(sorted(fake.rglob("*.py")), fake) == [
        "api/docs.py:2 screening.installed_screener",
        "storage/archive.py:2 suitability.screening.default_screener",
        "web/views.py:1 suitability.screen",
    ]


# Services hold the use cases and storage the queries: a service names no SQL, so SQLAlchemy stays below it
# (storage gives services the Session type and DatabaseError under its own names).
def services_database_imports(paths: list[Path], root: Path = PACKAGE) -> list[str]:
    """Where a services module imports SQLAlchemy (late and type-only imports included), one entry a line."""
    found: dict[str, str] = {}
    for path in paths:
        if layer(module_name(path, root)) != "services":
            continue
        for module, line in imported(path, root):
            if top(module) == "sqlalchemy":
                found.setdefault(f"{path.relative_to(root).as_posix()}:{line}", module)
    return sorted(f"{where} {module}" for where, module in found.items())


def test_no_services_module_imports_sqlalchemy() -> None:
    assert any(layer(module_name(p)) == "services" for p in modules())
    assert services_database_imports(modules()) == []


def test_the_services_sql_check_sees_late_and_type_only_imports(tmp_path: Path) -> None:
    fake = tmp_path / "suitability"
    for folder in ("storage", "services", "services/webhooks"):
        (fake / folder).mkdir(parents=True)
        (fake / folder / "__init__.py").write_text("", encoding="utf-8")
    (fake / "services" / "late.py").write_text("def f():\n    import sqlalchemy\n", encoding="utf-8")
    (fake / "services" / "webhooks" / "sender.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n",
        encoding="utf-8")
    (fake / "services" / "dynamic.py").write_text("m = __import__('sqlalchemy.exc')\n", encoding="utf-8")
    (fake / "services" / "fine.py").write_text("from ..storage import DatabaseError, Session\n", encoding="utf-8")
    (fake / "storage" / "cases.py").write_text("from sqlalchemy import select\n", encoding="utf-8")
    assert services_database_imports(sorted(fake.rglob("*.py")), fake) == [
        "services/dynamic.py:1 sqlalchemy.exc",
        "services/late.py:2 sqlalchemy",
        "services/webhooks/sender.py:3 sqlalchemy.orm",
    ]
    (fake / "services" / "late.py").write_text("def f():\n    from ..storage.cases import select\n", encoding="utf-8")
    assert "services/late.py:2 sqlalchemy" not in services_database_imports(sorted(fake.rglob("*.py")), fake)
