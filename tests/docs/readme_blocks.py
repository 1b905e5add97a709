"""The fenced blocks of a Markdown file, and how the README test runs a shell block (a module of its own so the
rules are read in one place, apart from the fixtures)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

RUNNABLE = {"sh": "sh", "bash": "sh", "shell": "sh", "console": "sh", "python": "python", "py": "python"}
OUTPUT = "output"  # a block of this kind right after a runnable one is what that one prints ("..." = anything)
SKIP = re.compile(r"<!--\s*readme-test:\s*skip\s+(?P<why>\S.*?)\s*-->")
FENCE = re.compile(r"^```(?P<info>[^`\n]*)$")
LOCAL_URL = "http://127.0.0.1:5000"  # the address `make run` serves; the test's own server stands in for it
SERVERS = re.compile(r"^(\.venv/bin/gunicorn|\.venv/bin/suitability serve)\b")  # they run until stopped
INTERACTIVE = "asks for the password"  # a comment saying a command prompts: it gets a terminal and $PASSWORD


@dataclass(frozen=True)
class Block:
    line: int          # of the opening fence, 1-based
    kind: str          # "sh" or "python" (runnable), else the info string
    text: str
    expected: str | None = None   # the output block that follows it, if any
    skip: str | None = None       # the reason given in a skip comment just above it

    @property
    def id(self) -> str:
        return f"README.md:{self.line}-{self.kind}"


def blocks(path: Path) -> list[Block]:
    """The runnable blocks of a Markdown file, each with the output block after it (if any)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        info = opening["info"].strip().split(" ")[0].lower()
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        body = "\n".join(lines[i + 1:end]) + "\n"
        above = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        if info == OUTPUT and found and found[-1].expected is None:
            last = found[-1]
            found[-1] = Block(last.line, last.kind, last.text, body, last.skip)
        elif info in RUNNABLE:
            skipped = SKIP.search(above)
            found.append(Block(i + 1, RUNNABLE[info], body, None, skipped["why"] if skipped else None))
        i = end + 1
    return found


def shell_script(block: Block, base_url: str) -> str:
    """The block as bash runs it: strict mode, the test's server for `make run`'s address, `make` dry-run (its
    targets must exist; installing and the whole suite are not run here), servers started and stopped once
    healthy, prompting commands given a terminal."""
    out = ["set -euo pipefail"]
    lines = block.text.replace(LOCAL_URL, base_url).splitlines()
    if any(line.startswith("$ ") for line in lines):  # a console transcript: run the "$ " lines, not the output
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    for line in lines:
        stripped = line.strip()
        if re.match(r"^make\s", stripped):
            line = line.replace("make ", "make --dry-run ", 1) + " >/dev/null"
        elif SERVERS.match(stripped):
            line = "serve_briefly " + stripped
        elif INTERACTIVE in line:
            line = "tty_answer " + stripped
        out.append(line)
    return "\n".join(out) + "\n"


def matches(expected: str, actual: str) -> bool:
    """The documented output, with "..." standing for any text (across lines), trailing spaces ignored."""
    def tidy(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.strip().splitlines())

    pattern = ".*?".join(re.escape(part) for part in tidy(expected).split("..."))
    return re.fullmatch(pattern, tidy(actual), re.DOTALL) is not None
