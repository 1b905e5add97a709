"""`suitability rules docs|diff-profiles`: the clinician's rule catalogue, and what the standard profile changes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...errors import SuitabilityError
from ...rules.catalogue import catalogue_html, catalogue_markdown
from ...rules.loading import PROFILES, RuleSet, load_rules
from ...rules.profiles import diff_rulesets, render_diff
from ..commands import Commands

CATALOGUE_FILES = ("rules.md", "rules.html")


def register(group: Commands) -> None:
    """Add `docs` and `diff-profiles` to the `rules` commands."""
    p = group.add("docs", help="write the clinician's rule catalogue (Markdown and HTML)")
    p.add_argument("--rules", type=Path, default=None, help="rules folder (default: the shipped rules)")
    p.add_argument("--profile", choices=PROFILES, default=PROFILES[0])
    p.add_argument("--out", type=Path, default=Path("rule-catalogue"),
                   help="folder to write rules.md and rules.html into (default: ./rule-catalogue)")
    p.set_defaults(func=cmd_rules_docs)
    p = group.add("diff-profiles", help="list, rule by rule, what the standard profile changes")
    p.add_argument("--rules", type=Path, default=None, help="rules folder (default: the shipped rules)")
    p.set_defaults(func=cmd_rules_diff_profiles)


def _load(directory: Path | None, profile: str) -> RuleSet | None:
    try:
        return load_rules(directory, profile)
    except SuitabilityError as exc:
        print(f"suitability: rule error: {exc}", file=sys.stderr)
        return None


def cmd_rules_docs(args: argparse.Namespace) -> int:
    ruleset = _load(args.rules, args.profile)
    if ruleset is None:
        return 1
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        markdown, page = (args.out / name for name in CATALOGUE_FILES)
        markdown.write_text(catalogue_markdown(ruleset), encoding="utf-8")
        page.write_text(catalogue_html(ruleset), encoding="utf-8")
    except OSError as exc:
        print(f"suitability: cannot write the catalogue to {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {markdown} and {page}: {len(ruleset.rules)} rules, version {ruleset.version}")
    return 0


def cmd_rules_diff_profiles(args: argparse.Namespace) -> int:
    conservative = _load(args.rules, PROFILES[0])
    standard = _load(args.rules, PROFILES[1])
    if conservative is None or standard is None:
        return 1
    print(render_diff(diff_rulesets(conservative, standard), conservative.version))
    return 0
