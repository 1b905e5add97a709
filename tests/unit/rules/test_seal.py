"""The seal: a rules folder whose files or rule ids differ from seal.yaml never loads, and the refusal names
exactly what differs; `rules seal` writes it after an intended edit and says what changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.common.rules_support import copy_rules, reseal

from suitability import RuleFileError, load_rules
from suitability.cli import main
from suitability.rules.loading import default_rules_dir, read_rule_files
from suitability.rules.seal import SEAL, check_seal, seal_changes


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    return copy_rules(tmp_path / "rules")


def cut_after_first_rule(folder: Path) -> None:
    path = folder / "pregnancy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("\n  - id: breastfeeding")] + "\n", encoding="utf-8")


def rename_rule(folder: Path) -> None:
    path = folder / "pregnancy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("- id: pregnant\n", "- id: pregnant-now\n"),
                    encoding="utf-8")


def edit_outcome(folder: Path) -> None:
    path = folder / "pregnancy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("outcome: not_suitable", "outcome: review", 1),
                    encoding="utf-8")


CASES: dict[str, tuple[Callable[[Path], object], str]] = {
    "file cut at a rule boundary": (cut_after_first_rule, "pregnancy.yaml: changed; ids removed breastfeeding"),
    "file deleted": (lambda f: (f / "pregnancy.yaml").unlink(),
                     "pregnancy.yaml: removed; ids removed pregnant, breastfeeding"),
    "extra file": (lambda f: (f / "zz-extra.yaml").write_text("rules: []\n", encoding="utf-8"),
                   "zz-extra.yaml: added"),
    "renamed rule": (rename_rule, "pregnancy.yaml: changed; ids added pregnant-now; ids removed pregnant"),
    "edited, not sealed again": (edit_outcome, "pregnancy.yaml: changed"),
    "scenario file deleted": (lambda f: (f / "scenarios" / "pregnancy.yaml").unlink(),
                              "scenarios/pregnancy.yaml: removed; ids removed pregnant-not-suitable"),
    "seal deleted": (lambda f: (f / SEAL).unlink(), "the rule set is not sealed"),
}


def test_the_shipped_rules_match_their_seal() -> None:
    check_seal(read_rule_files(default_rules_dir()))
    assert seal_changes(read_rule_files(default_rules_dir())) == []


@pytest.mark.parametrize("case", list(CASES))
def test_a_folder_that_differs_from_its_seal_is_refused_naming_what_differs(rules_copy: Path, case: str) -> None:
    change, named = CASES[case]
    change(rules_copy)
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert caught.value.file == SEAL and named in str(caught.value)


@pytest.mark.parametrize("text", ["files: [not, a, mapping]\n", "files:\n  a.yaml: {ids: []}\n", "{{{\n"])
def test_a_seal_that_is_not_what_rules_seal_writes_is_refused(rules_copy: Path, text: str) -> None:
    (rules_copy / SEAL).write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert caught.value.file == SEAL


def test_rules_seal_says_what_changed_and_the_folder_loads_again(rules_copy: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rename_rule(rules_copy)
    (rules_copy / "medicines.yaml").unlink()
    assert main(["rules", "check", "--rules", str(rules_copy)]) == 1
    assert "pregnancy.yaml: changed" in capsys.readouterr().err
    assert main(["rules", "seal", "--rules", str(rules_copy)]) == 0
    out = capsys.readouterr().out
    assert "pregnancy.yaml: changed; ids added pregnant-now; ids removed pregnant" in out
    assert "medicines.yaml: removed; ids removed isotretinoin-current" in out
    check_seal(read_rule_files(rules_copy))
    assert main(["rules", "seal", "--rules", str(rules_copy)]) == 0
    assert "(no change)" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "message"), [
    (b"rules: []\n# \xff\n", "not UTF-8"),
    (b"", "empty"),
    (b"  \n", "empty"),
    (b"rules: [\n", "not valid YAML"),
])
def test_bad_bytes_are_a_load_error_naming_the_file_sealed_or_not(rules_copy: Path, content: bytes,
                                                                   message: str) -> None:
    (rules_copy / "depth.yaml").write_bytes(content)
    if message != "not UTF-8":
        reseal(rules_copy)  # sealed on purpose: still refused for what it is
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert caught.value.file == "depth.yaml" and message in str(caught.value)
