"""The hazard log's links: every control names tests, every test named exists, every risk follows the matrix.

Node ids are resolved by parsing the test files (ast), not by collecting them: a file must exist and define the
test function (or class and method) named; parametrize ids in brackets are ignored.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "safety" / "hazard-log.md"
HAZARD = re.compile(r"^## (H\d{2}): (.+)$", re.MULTILINE)
RISK = re.compile(r"^\| (Initial|Residual) risk \| severity (\d), likelihood (\d): score (\d+), (\w+) \|$", re.MULTILINE)
CONTROL = re.compile(r"^\| (H\d{2}-C\d+) \| (.*?) \| (.*?) \|$", re.MULTILINE)
NODE = re.compile(r"`([^`]+)`")
REQUIRED = (  # the hazards issue 7 names, as words of their titles
    "contraindicated patient", "wait date", "depth limit", "unknown answer", "two patients",
    "rules are changed without review", "stale decision", "instructions are misunderstood",
    "engine fails silently",
)


def rating(score: int) -> str:
    return "acceptable" if score <= 4 else "tolerable" if score <= 9 else "unacceptable"


@functools.cache
def definitions(path: Path) -> frozenset[str]:
    """'name' for each top-level function and 'Class::method' for each method of a top-level class."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(f"{node.name}::{item.name}" for item in node.body
                         if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return frozenset(names)


def node_problem(node_id: str) -> str | None:
    """Why a pytest node id does not name an existing test, or None."""
    file, sep, name = node_id.partition("::")
    name = re.sub(r"\[.*\]$", "", name)
    path = ROOT / file
    if not sep or not file.startswith("tests/") or not file.endswith(".py"):
        return f"{node_id}: not a pytest node id (tests/<file>.py::<test>)"
    if not path.is_file():
        return f"{node_id}: no such file"
    if not name.split("::")[-1].startswith("test") or name not in definitions(path):
        return f"{node_id}: no such test in {file}"
    return None


def problems(text: str) -> list[str]:
    """Everything wrong with a hazard log: missing parts, bad scores, controls without tests, unknown tests."""
    found: list[str] = []
    heads = list(HAZARD.finditer(text))
    if not heads:
        return ["no hazards (## Hnn: title)"]
    ids = [m.group(1) for m in heads]
    if ids != [f"H{n:02d}" for n in range(1, len(ids) + 1)]:
        found.append(f"hazard ids are not H01, H02, ... in order: {ids}")
    for i, head in enumerate(heads):
        hazard = head.group(1)
        body = text[head.end():heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        for part in ("Cause", "Effect"):
            if not re.search(rf"^\| {part} \| \S", body, re.MULTILINE):
                found.append(f"{hazard}: no {part}")
        risks = {m.group(1): m for m in RISK.finditer(body)}
        for when in ("Initial", "Residual"):
            if when not in risks:
                found.append(f"{hazard}: no {when.lower()} risk as 'severity S, likelihood L: score N, rating'")
                continue
            severity, likelihood, score, said = (int(risks[when].group(2)), int(risks[when].group(3)),
                                                 int(risks[when].group(4)), risks[when].group(5))
            if not (1 <= severity <= 5 and 1 <= likelihood <= 5) or score != severity * likelihood:
                found.append(f"{hazard}: {when.lower()} score {score} is not {severity} x {likelihood} within 1-5")
            elif said != rating(score):
                found.append(f"{hazard}: {when.lower()} score {score} is {rating(score)}, not {said}")
        if {"Initial", "Residual"} <= set(risks):
            before, after = int(risks["Initial"].group(4)), int(risks["Residual"].group(4))
            if after > before:
                found.append(f"{hazard}: the residual risk is higher than the initial risk")
            if rating(after) == "unacceptable":
                found.append(f"{hazard}: the residual risk is unacceptable")
        controls = list(CONTROL.finditer(body))
        if not controls:
            found.append(f"{hazard}: no controls")
        for control in controls:
            name, tests = control.group(1), NODE.findall(control.group(3))
            if not name.startswith(f"{hazard}-"):
                found.append(f"{name}: listed under {hazard}")
            if not tests:
                found.append(f"{name}: a control with no test")
            found += [f"{name}: {p}" for p in map(node_problem, tests) if p]
    return found


def test_the_hazard_log_exists_and_names_the_hazards_of_issue_7() -> None:
    text = LOG.read_text(encoding="utf-8")
    titles = " | ".join(m.group(2).lower() for m in HAZARD.finditer(text))
    for words in REQUIRED:
        assert words in titles, f"no hazard about {words!r}"
    assert "severity" in text and "likelihood" in text and "## Risk matrix" in text


def test_every_control_names_existing_tests_and_every_risk_follows_the_matrix() -> None:
    assert problems(LOG.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("row", "problem"), [
    ("| H01-C1 | A control. | `tests/docs/test_hazard_log.py::test_that_does_not_exist` |", "no such test"),
    ("| H01-C1 | A control. | `tests/no_such_file.py::test_x` |", "no such file"),
    ("| H01-C1 | A control. | none yet |", "a control with no test"),
    ("| H01-C1 | A control. | `tests/docs/test_hazard_log.py` |", "not a pytest node id"),
    ("| H01-C1 | A control. | `tests/docs/test_hazard_log.py::rating` |", "no such test"),
])
def test_the_check_catches_a_control_without_a_real_test(row: str, problem: str) -> None:
    log = ("## H01: Something\n\n| | |\n| --- | --- |\n| Cause | a cause |\n| Effect | an effect |\n"
           "| Initial risk | severity 4, likelihood 3: score 12, unacceptable |\n"
           "| Residual risk | severity 4, likelihood 1: score 4, acceptable |\n\n" + row + "\n")
    assert [p for p in problems(log) if problem in p], problems(log)


def test_the_check_catches_a_score_that_does_not_follow_the_matrix() -> None:
    log = ("## H01: Something\n\n| Cause | a cause |\n| Effect | an effect |\n"
           "| Initial risk | severity 4, likelihood 3: score 11, unacceptable |\n"
           "| Residual risk | severity 4, likelihood 3: score 12, acceptable |\n\n"
           "| H01-C1 | A control. | `tests/docs/test_hazard_log.py::test_the_hazard_log_exists_and_names_the_hazards_of_issue_7` |\n")
    found = problems(log)
    assert any("score 11 is not 4 x 3" in p for p in found)
    assert any("score 12 is unacceptable, not acceptable" in p for p in found)
    assert any("residual risk is unacceptable" in p for p in found)


def test_a_class_method_node_id_resolves() -> None:
    assert node_problem("tests/docs/test_hazard_log.py::test_a_class_method_node_id_resolves[x]") is None
    assert "no such test" in (node_problem("tests/docs/test_hazard_log.py::Nope::test_x") or "")
