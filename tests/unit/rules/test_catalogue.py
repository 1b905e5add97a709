"""The clinician's rule catalogue: complete, grouped by topic, versioned, and safe HTML; `rules docs` writes it."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from suitability import RuleSet, load_rules
from suitability.cli import main
from suitability.rules.catalogue import catalogue_html, catalogue_markdown
from suitability.rules.loading import Source

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules()


class Page(HTMLParser):
    """Every tag, attribute and id of a page, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        self.ids.update(v for k, v in attrs if k == "id" and v)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def test_the_markdown_lists_every_rule_by_topic_with_the_version(ruleset: RuleSet) -> None:
    text = catalogue_markdown(ruleset)
    assert ruleset.version in text
    for rule in ruleset.rules:
        assert f"Rule `{rule.id}`" in text
    for heading in ("## About you", "## Medicines", "## Pregnancy", "## Depth", "## Unknown answers"):
        assert heading in text
    pregnancy = text.index("## Pregnancy")
    assert pregnancy < text.index("Rule `pregnant`") < text.index("## Recent treatments")


def test_each_rule_shows_outcome_wait_depth_sources_with_tiers_and_less_strict_reading(ruleset: RuleSet) -> None:
    text = catalogue_markdown(ruleset)
    block = text[text.index("Rule `isotretinoin-past`"):text.index("Rule `isotretinoin-past-date-missing`")]
    assert "**Outcome:** defer" in block
    assert "**Wait:** 6 months after" in block
    assert "**Depth effect:** none" in block
    assert "tier A: SkinPen-IFU" in block
    assert "**Less strict reading:** No delay for superficial procedures" in block
    assert "**Standard profile applies:** outcome review; no wait (it still applies only within 6 months" in block
    depth = text[text.index("Rule `depth-area-nose`"):]
    assert "caps the needle depth at 0.25 mm" in depth.split("### ")[0]


def test_every_source_shown_has_its_tier_from_sources_yaml(ruleset: RuleSet) -> None:
    text = catalogue_markdown(ruleset)
    assert ruleset.sources, "rules/sources.yaml should be loaded"
    for rule in ruleset.rules:
        for key in rule.sources:
            tier = ruleset.sources[key].tier
            assert f"tier {tier}: " in text
    assert "tier ?" not in text


def test_the_html_is_self_contained_with_no_script_and_a_section_per_topic(ruleset: RuleSet) -> None:
    page = catalogue_html(ruleset)
    parsed = parse(page)
    assert "script" not in parsed.tags and "iframe" not in parsed.tags
    assert not [k for k, _ in parsed.attrs if k.startswith("on")]
    assert all(v.startswith(("#", "https://", "http://")) for k, v in parsed.attrs if k in ("href", "src") and v)
    assert "link" not in parsed.tags  # no external stylesheet
    assert "default-src 'none'" in page
    assert {f"rule-{r.id}" for r in ruleset.rules} <= parsed.ids
    assert {"topic-medicines", "topic-pregnancy", "topic-depth"} <= parsed.ids
    assert ruleset.version in "".join(parsed.text)


def test_rule_text_is_escaped_in_html_and_markdown(ruleset: RuleSet) -> None:
    first = ruleset.rules[0]
    hostile = replace(first, title=HOSTILE, rationale=HOSTILE, patient=HOSTILE, sources=("evil",))
    evil = Source(key="evil", tier="D", title=HOSTILE, url="javascript:alert(1)")
    tampered = replace(ruleset, rules=(hostile, *ruleset.rules[1:]), sources={**ruleset.sources, "evil": evil})
    page = catalogue_html(tampered)
    parsed = parse(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert "javascript:" not in page
    assert HOSTILE in "".join(parsed.text)  # shown as text, not run
    text = catalogue_markdown(tampered)
    assert not re.findall(r"(?<!\\)<(?!https?://)", text), "an unescaped '<' outside an autolink"
    assert "javascript:" not in text
    assert r"\<script\>" in text


def test_rules_docs_writes_markdown_and_html(tmp_path: Path, ruleset: RuleSet,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "catalogue"
    assert main(["rules", "docs", "--out", str(out)]) == 0
    assert (out / "rules.md").read_text(encoding="utf-8") == catalogue_markdown(ruleset)
    assert (out / "rules.html").read_text(encoding="utf-8") == catalogue_html(ruleset)
    assert ruleset.version in capsys.readouterr().out


def test_rules_docs_with_the_standard_profile_says_so(tmp_path: Path) -> None:
    assert main(["rules", "docs", "--profile", "standard", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "rules.md").read_text(encoding="utf-8")
    assert "profile standard" in text
    block = text[text.index("Rule `pregnant`"):]
    assert "**Outcome:** review" in block.split("### ")[0]


def test_rules_docs_refuses_a_broken_rules_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "docs", "--rules", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "rule error" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
