"""The README's Python API example runs, and prints what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_python_api_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    monkeypatch.chdir(ROOT)
    exec(compile(code[1], "README.md", "exec"), {})  # noqa: S102 - our own documentation
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "True None"
    assert out[1] == "cheeks/acne_scars: at most 1.5 mm (depth-concern-acne-scars)"
    assert out[-1].startswith("[{'field': 'pregnant', 'message': \"Input should be 'yes', 'no' or")
