"""The clinician's rule catalogue, in Markdown and in self-contained HTML, built from a loaded rule set.

Every rule, grouped by topic (its rule file): plain text for the patient, the rationale, outcome, wait, depth
effect, conditions, instructions, sources with their evidence tier, and the less strict reading where sources
disagree. Pure: text in, text out; the CLI writes the files and the practitioner area can serve the same pages.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from ..intake import Intake
from .conditions import Test, parse_period
from .loading import Rule, RuleSet

TIER_NAMES = {
    "A": "regulator or manufacturer labelling",
    "B": "peer-reviewed paper, systematic review, consensus statement or textbook",
    "C": "professional society, institution or expert commentary",
    "D": "clinic, spa, vendor or blog page (practice, not evidence)",
    "E": "AI-generated or aggregator page (flagged, never relied on alone)",
    "J": "judgement: the product's own choice where sources give none",
}
OUTCOME_MEANING = {
    "not_suitable": "not suitable: contraindicated now; a practitioner may still look",
    "defer": "defer: not yet; wait until a date, or until a condition has resolved",
    "review": "review: a practitioner must review before booking",
    "suitable_with_precautions": "suitable with precautions: can go ahead, with instructions to follow",
}
_OPS = {"lt": "below", "lte": "at most", "gt": "above", "gte": "at least"}


@dataclass(frozen=True)
class Entry:
    """One rule, as the lines a clinician reads: (label, text) pairs, then the sources."""

    rule: Rule
    lines: tuple[tuple[str, str], ...]
    sources: tuple[tuple[str, str, str, str | None], ...]  # key, tier, title, url or docs/ section


def _subject(name: str) -> str:
    info = Intake.model_fields.get(name)
    if info is not None and info.title and name not in ("setting", "modality"):
        return f"“{info.title}” ({name})"
    return {"area": "treatment area", "concern": "treatment concern", "region": "face or body"}.get(name, name)


def condition_text(test: Test) -> str:
    """One test in words: '“Are you pregnant…?” (pregnant) is yes'."""
    subject = _subject(test.field)
    if test.op == "eq":
        return f"{subject} is {test.value}"
    if test.op == "in":
        return f"{subject} is one of {', '.join(test.value)}"
    if test.op == "not_in":
        return f"{subject} is none of {', '.join(test.value)}"
    if test.op in _OPS:
        return f"{subject} is {_OPS[test.op]} {test.value}"
    if test.op in ("within_days", "within_months"):
        return f"{subject} is less than {test.value} {test.op.removeprefix('within_')} ago"
    if test.op == "missing":
        return f"{subject} is not given"
    return f"{subject} {test.op} {test.value}"


def _when(rule: Rule) -> str:
    groups = [" and ".join(condition_text(t) for t in group) for group in rule.alternatives]
    return groups[0] if len(groups) == 1 else "any of: " + "; or ".join(f"({g})" for g in groups)


def _less_strict(rule: Rule) -> list[tuple[str, str]]:
    less: dict[str, Any] = rule.less_strict
    if not less:
        return []
    applied = []
    if less.get("drop") is True:
        applied.append("the rule is dropped")
    if "outcome" in less:
        applied.append(f"outcome {less['outcome']}")
    if "wait" in less:
        wait = less["wait"]
        if wait == "none":
            window = f" (it still applies only within {rule.wait.period} of {rule.wait.after})" if rule.wait else ""
            applied.append(f"no wait{window}")
        else:
            period = parse_period({k: v for k, v in wait.items() if k != "after"}, {})
            applied.append(f"wait {period} after {wait['after']}")
    if "depth_cap_mm" in less:
        applied.append(f"depth cap {float(less['depth_cap_mm']):g} mm")
    if "wait_for" in less:
        applied.append("nothing to wait for" if less["wait_for"] == "none" else f"wait for {less['wait_for']}")
    if "instructions" in less:
        applied.append(f"instructions {', '.join(less['instructions']) or 'none'}")
    if "patient" in less:
        applied.append(f"tells the patient: {less['patient'].strip()}")
    effect = "; ".join(applied) or "nothing: the reading is recorded, not applied by any profile"
    return [("Less strict reading", f"{less.get('reading', '')} Held by: {less.get('held_by', 'unnamed')}."),
            ("Standard profile applies", effect)]


def entry(ruleset: RuleSet, rule: Rule) -> Entry:
    """The lines of one rule."""
    lines: list[tuple[str, str]] = []
    if rule.outcome is not None:
        lines.append(("Outcome", OUTCOME_MEANING.get(rule.outcome.value, rule.outcome.value)))
    if rule.alternatives:
        lines.append(("When", _when(rule)))
    if rule.wait is not None:
        lines.append(("Wait", (f"{rule.wait.period} after {_subject(rule.wait.after)}; the rule applies only "
                              "until then, and the earliest date is when it ends")))
    if rule.wait_for:
        lines.append(("Wait for", rule.wait_for))
    lines.append(("Depth effect", f"caps the needle depth at {rule.depth_cap_mm:g} mm for the matching treatment"
                  if rule.depth_cap_mm is not None else "none (changes the outcome, not the depth)"))
    if rule.patient:
        lines.append(("For the patient", rule.patient))
    lines.append(("For the practitioner", rule.rationale))
    for ref in rule.instructions:
        spec = ruleset.instructions.get(ref)
        lines.append(("Instruction", f"{ref}: {spec.text}" if spec else ref))
    if rule.flags:
        lines.append(("Flags", ", ".join(rule.flags)))
    if rule.evidence:
        lines.append(("Evidence rows", ", ".join(rule.evidence)))
    lines.extend(_less_strict(rule))
    sources = []
    for key in rule.sources:
        source = ruleset.sources.get(key)
        where = source.url or source.document if source else None  # a web address, or a docs/ section
        sources.append((key, source.tier, source.title, where) if source else (key, "?", "", None))
    return Entry(rule, tuple(lines), tuple(sources))


def topics(ruleset: RuleSet) -> list[tuple[str, str, list[Entry]]]:
    """(anchor, heading, entries) per rule file, in file-name order."""
    files = sorted({r.file for r in ruleset.rules})
    out = []
    for name in files:
        stem = name.rsplit(".", 1)[0]
        anchor = "topic-" + re.sub(r"[^a-z0-9-]+", "-", stem.lower())
        heading = stem.replace("-", " ").replace("_", " ").capitalize()
        out.append((anchor, heading, [entry(ruleset, r) for r in ruleset.rules if r.file == name]))
    return out


def _rules(count: int) -> str:
    return f"{count} rule{'s' * (count != 1)}"


def _summary(ruleset: RuleSet) -> str:
    disputed = sum(1 for r in ruleset.rules if r.less_strict)
    return (f"Rule set version {ruleset.version}, profile {ruleset.profile}: {len(ruleset.rules)} rules, "
            f"{disputed} of them disputed (they record a less strict reading).")


# --- Markdown ------------------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#!~])")


def md(text: str) -> str:
    """Text safe in Markdown: punctuation that could start markup is escaped; one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def catalogue_markdown(ruleset: RuleSet) -> str:
    """The catalogue as one Markdown document."""
    out = [f"# Rule catalogue: {md(ruleset.name)}", "", md(_summary(ruleset)),
           "", "Generated from the rule files; edit those, not this page.", "", "## Evidence tiers", ""]
    out += [f"- **{tier}**: {md(name)}" for tier, name in TIER_NAMES.items()]
    out += ["", "## Topics", ""]
    sections = topics(ruleset)
    out += [f"- {md(heading)} ({_rules(len(entries))})" for _, heading, entries in sections]
    for _, heading, entries in sections:
        out += ["", f"## {md(heading)}", "", f"File: {md(entries[0].rule.file)}"]
        for item in entries:
            out += ["", f"### {md(item.rule.title)}", "", f"Rule `{item.rule.id}`", ""]
            out += [f"- **{label}:** {md(text)}" for label, text in item.lines]
            out.append("- **Sources:**")
            for key, tier, title, url in item.sources:
                link = f" <{url}>" if url and _safe_url(url) else f" ({md(url)})" if url and url.startswith("docs/") else ""
                out.append(f"  - tier {md(tier)}: {md(key)}" + (f": {md(title)}" if title else "") + link)
    return "\n".join(out) + "\n"


# --- HTML ----------------------------------------------------------------------------------------------------------

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:#1b1b1b}
h1{font-size:1.7rem}h2{border-bottom:2px solid #ccc;margin-top:2.5rem}h3{margin:1.8rem 0 .2rem}
article{border-left:4px solid #d0d7de;padding-left:1rem}dl{display:grid;grid-template-columns:12rem 1fr;gap:.3rem 1rem}
dt{font-weight:600}dd{margin:0}code{background:#f3f4f6;padding:0 .2rem}.tier{font-weight:700;padding:0 .35rem;
border:1px solid #888;border-radius:3px}.id{color:#555;margin:0}nav ul{columns:2}
@media print{nav{display:none}article{break-inside:avoid}}
"""


def _safe_url(url: str) -> bool:
    return url.startswith(("https://", "http://")) and not any(c in url for c in " \"'<>`")


def h(text: str) -> str:
    """Text escaped for HTML, quotes included."""
    return html.escape(text, quote=True)


def catalogue_html(ruleset: RuleSet) -> str:
    """The catalogue as one self-contained HTML page: inline style, no scripts, every text escaped."""
    sections = topics(ruleset)
    out = [
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>Rule catalogue: {h(ruleset.name)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        f"<header><h1>Rule catalogue: {h(ruleset.name)}</h1><p>{h(_summary(ruleset))}</p>",
        "<p>Generated from the rule files; edit those, not this page.</p></header>",
        "<section><h2>Evidence tiers</h2><dl>",
        *(f'<dt><span class="tier">{h(t)}</span></dt><dd>{h(n)}</dd>' for t, n in TIER_NAMES.items()),
        "</dl></section>", "<nav><h2>Topics</h2><ul>",
        *(f'<li><a href="#{a}">{h(heading)}</a> ({_rules(len(es))})</li>' for a, heading, es in sections),
        "</ul></nav>",
    ]
    for anchor, heading, entries in sections:
        out.append(f'<section id="{anchor}"><h2>{h(heading)}</h2><p>File: <code>{h(entries[0].rule.file)}</code></p>')
        for item in entries:
            rid = h(item.rule.id)
            out.append(f'<article id="rule-{rid}"><h3>{h(item.rule.title)}</h3><p class="id">Rule <code>{rid}</code>'
                       "</p><dl>")
            out += [f"<dt>{h(label)}</dt><dd>{h(text)}</dd>" for label, text in item.lines]
            out.append("<dt>Sources</dt><dd><ul>")
            for key, tier, title, url in item.sources:
                # A link is named by the source's title, so a list of links reads as a list of sources.
                named = (f': <a href="{h(url)}" rel="noreferrer">{h(title or key)}</a>' if url and _safe_url(url)
                         else (f": {h(title)}" if title else "")
                         + (f" (<code>{h(url)}</code>)" if url and url.startswith("docs/") else ""))
                out.append(f'<li><span class="tier" title="{h(TIER_NAMES.get(tier, "unknown tier"))}">{h(tier)}'
                           f"</span> <code>{h(key)}</code>{named}</li>")
            out.append("</ul></dd></dl></article>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
