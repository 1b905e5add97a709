"""The loader reads each rule file once: the version is the hash of exactly the text that was parsed, and a
rule set can be rebuilt from that text alone (a stored snapshot)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.common.rules_support import copy_rules, reseal

from suitability import RuleFileError, load_rules
from suitability.rules.loading import content_version, default_rules_dir, load_rules_from_files, version_of
from suitability.rules.seal import sealed


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    return copy_rules(tmp_path / "rules")


def test_files_hold_every_yaml_file_of_the_folder_as_read() -> None:
    root = default_rules_dir()
    ruleset = load_rules(root)
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.yaml")}
    assert set(ruleset.files) == on_disk
    for name, text in ruleset.files.items():
        assert text.encode("utf-8") == (root / name).read_bytes()


def test_version_is_sha256_of_names_and_bytes_in_name_order() -> None:
    root = default_rules_dir()
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml"), key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    assert load_rules(root).version == "sha256:" + digest.hexdigest()[:16] == content_version(root)


def test_a_snapshot_reloads_to_the_same_rules_and_version() -> None:
    for profile in ("conservative", "standard"):
        original = load_rules(profile=profile)
        again = load_rules_from_files(dict(original.files), profile)
        assert again.version == original.version
        assert again.rules == original.rules
        assert again.instructions == original.instructions
        assert again.general_instructions == original.general_instructions
        assert again.sources == original.sources
        assert again.validity == original.validity


def test_each_file_is_read_once_so_version_and_rules_come_from_the_same_bytes(
        rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self.name)
        if self == rules_copy / "pregnancy.yaml" and reads.count(self.name) > 1:
            return real(self).replace(b"pregnant", b"pregnnt")  # the file "changed" after the first read
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: pytest.fail(f"{self.name} read as text again"))
    ruleset = load_rules(rules_copy)
    assert sorted(reads) == sorted(p.name for p in rules_copy.rglob("*.yaml"))
    assert ruleset.version == version_of(ruleset.files)


def test_a_changed_snapshot_gets_its_own_version_and_its_own_rules() -> None:
    files = dict(load_rules().files)
    before = version_of(files)
    files["depth.yaml"] = files["depth.yaml"].replace("title: Forehead, 0.5 mm", "title: Edited forehead", 1)
    changed = load_rules_from_files(sealed(files))
    assert changed.version != before
    assert "Edited forehead" in {rule.title for rule in changed.rules}


def test_line_endings_are_hashed_as_stored(rules_copy: Path) -> None:
    path = rules_copy / "depth.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    reseal(rules_copy)
    ruleset = load_rules(rules_copy)
    assert "\r\n" in ruleset.files["depth.yaml"]
    assert ruleset.version == content_version(rules_copy) != load_rules().version


def test_sources_yaml_is_the_bibliography_not_a_rule_file() -> None:
    files = dict(load_rules().files)
    assert "rules:" not in files["sources.yaml"]
    assert load_rules_from_files(sealed(files)).sources  # loads without the old `rules: []` workaround
    files["sources.yaml"] += "rules: [{id: not-a-rule}]\n"  # never read as rules, so never refused as one
    assert "not-a-rule" not in {rule.id for rule in load_rules_from_files(sealed(files)).rules}


def test_a_snapshot_without_its_manifest_or_catalogue_is_refused() -> None:
    files = dict(load_rules().files)
    for required in ("ruleset.yaml", "instructions.yaml"):
        partial = {k: v for k, v in files.items() if k != required}
        with pytest.raises(RuleFileError) as caught:
            load_rules_from_files(sealed(partial))
        assert caught.value.file == required


def test_a_file_that_is_not_utf8_is_refused_by_name(rules_copy: Path) -> None:
    (rules_copy / "depth.yaml").write_bytes(b"rules: []\n# \xff\n")
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert caught.value.file == "depth.yaml"
