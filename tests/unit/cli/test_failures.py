"""A command that fails tells the person at the terminal in one line, never with a traceback or what was sent."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from suitability import cli


def test_an_unreachable_database_is_one_line_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # port 1 on loopback: refused at once, nothing leaves the machine
    monkeypatch.setenv("SUITABILITY_DATABASE_URL", "postgresql+psycopg://staff:pw@127.0.0.1:1/clinic")
    monkeypatch.setenv("SUITABILITY_INSTANCE_PATH", str(tmp_path / "instance"))
    assert cli.main(["keys", "list"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "pw" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("suitability: ") and "database" in last


def test_an_unexpected_error_names_its_kind_and_not_its_message(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise ValueError("pregnant=yes isotretinoin=within_6_months")

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args",
                        lambda self, argv=None, namespace=None: argparse.Namespace(command="schema", func=broken))
    assert cli.main(["schema"]) == 70
    err = capsys.readouterr().err
    assert "ValueError" in err and "pregnant" not in err and "Traceback" not in err
