"""The command tree: built through `Commands` (no private argparse API anywhere in the CLI), walked in the order
commands were added, and every `rules` command registered by the one package `suitability.cli.rules`."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pytest

import suitability.cli
from suitability.cli import build_commands
from suitability.cli.commands import Commands

CLI = Path(suitability.cli.__file__).parent
RULES_COMMANDS = {"list", "check", "test", "seal", "docs", "diff-profiles", "approve", "revoke", "approvals"}


def private_uses(source: str) -> list[str]:
    """`x._name` in `source` for any x but self or cls: another object's private attribute (argparse's included)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_of_the_cli_uses_a_private_attribute() -> None:
    found = {str(path.relative_to(CLI)): private_uses(path.read_text(encoding="utf-8"))
             for path in sorted(CLI.rglob("*.py"))}
    assert {name: uses for name, uses in found.items() if uses} == {}


@pytest.mark.parametrize("source", [
    "import argparse\ndef f(s: argparse._SubParsersAction) -> None: ...\n",
    "def f(parser):\n    return parser._actions\n",
])
def test_a_private_attribute_is_found(source: str) -> None:
    assert private_uses(source)


def test_an_own_private_attribute_is_not_a_finding() -> None:
    assert private_uses("class A:\n    def f(self):\n        return self._x, cls._y, type.__name__\n") == []


def test_every_rules_command_is_registered_by_the_rules_package() -> None:
    rules = {path[1]: parser.get_default("func") for path, parser, is_group in build_commands().walk()
             if len(path) == 2 and path[0] == "rules" and not is_group}
    assert set(rules) == RULES_COMMANDS
    assert {name: func.__module__ for name, func in rules.items()
            if not func.__module__.startswith("suitability.cli.rules.")} == {}


def test_no_module_outside_the_rules_package_adds_to_the_rules_group() -> None:
    outside = [path for path in CLI.rglob("*.py") if "rules" not in path.relative_to(CLI).parts]
    assert [p.name for p in outside if 'group("rules"' in p.read_text(encoding="utf-8")] == []


def test_a_command_path_reaches_its_function() -> None:
    from suitability.cli.rules.files import cmd_rules_check

    args = build_commands().parser.parse_args(["rules", "check"])
    assert args.func is cmd_rules_check and args.rules_cmd == "check"


def test_the_tree_is_walked_depth_first_in_the_order_commands_were_added() -> None:
    root = Commands(argparse.ArgumentParser(prog="x"), dest="command")
    root.add("one", help="first")
    group = root.group("two", dest="two_cmd", help="a group")
    group.add("a")
    group.add("b")
    root.add("three")
    walked = [(path, is_group) for path, _, is_group in root.walk()]
    assert walked == [((), True), (("one",), False), (("two",), True), (("two", "a"), False),
                      (("two", "b"), False), (("three",), False)]
    args = root.parser.parse_args(["two", "b"])
    assert (args.command, args.two_cmd) == ("two", "b")


def test_a_group_without_its_subcommand_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    root = Commands(argparse.ArgumentParser(prog="x"), dest="command")
    root.group("two", dest="two_cmd").add("a")
    with pytest.raises(SystemExit) as exit_:
        root.parser.parse_args(["two"])
    assert exit_.value.code == 2 and "two_cmd" in capsys.readouterr().err
