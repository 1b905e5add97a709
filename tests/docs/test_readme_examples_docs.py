"""Every shell and Python example in README.md runs, as a reader would copy it, and prints what the README says.

Each fenced block tagged `sh`/`bash`/`shell`/`console` or `python` is one test, run in order in a scratch folder
that looks like a checkout after `make install` (`examples/`, `rules/`, `Makefile`... and `.venv/bin/` with
`suitability`, `python` and `gunicorn` running this source tree), against a temporary SQLite database that a
served app (`suitability serve` on a free port) shares. How a block is run (tests/docs/readme_blocks.py):

- shell blocks run in bash with `set -euo pipefail`: any failing command fails the test; in a transcript
  (lines starting `$ `) only those lines run;
- `http://127.0.0.1:5000` (what `make run` serves) is replaced by the test server's address;
- `make TARGET` is dry-run (`make --dry-run`): the target must exist, but nothing is installed here and the
  whole suite is not started from inside itself;
- a server command (`.venv/bin/gunicorn ...`, `.venv/bin/suitability serve ...`) is started on a free port,
  must answer `/healthz` with 200, and is stopped;
- a command whose comment says it "asks for the password" gets a terminal that types `$PASSWORD`;
- the variables a reader brings are set: `PASSWORD`, `KEY` (an API key), `CASE_ID` and `REFERENCE` (of a case
  that key stored from examples/intake.json);
- a block tagged `output` right after a runnable block is what it must print (`...` stands for any text);
- `<!-- readme-test: skip REASON -->` on the line above a block skips it, reason shown (none does today).

Blocks other helpers add to the README later are picked up the same way, without changes here.

To see it catch a broken example: in README.md's "The command line" block change `examples/intake.json` to
`examples/intake.jsn` (or in the output block after `rules check` change `ok:` to `OK:`) and run
`python -m pytest tests/docs/test_readme_examples_docs.py -k "README.md:3 or README.md:4"`: that block's test fails,
showing the script as run and the command's error (`cannot read examples/intake.jsn`), or both outputs.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.docs.readme_blocks import Block, blocks, matches, shell_script

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
LINKED = ("examples", "rules", "web", "docs", "benchmarks", "src", "Makefile", "pyproject.toml", "README.md")
PASSWORD = "readme-test-password-0123"
TIMEOUT = 600

PRELUDE = r"""
serve_briefly() {  # start a server on a free port, wait for /healthz to say 200, stop it
  local port extra=()
  port=$("$READMETEST_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [[ "$*" == *"suitability serve"* && "$*" != *"--production"* && "$*" != *"--port"* ]]; then
    extra=(--port "$port")
  fi
  SUITABILITY_BIND="127.0.0.1:$port" "$@" "${extra[@]}" >"$READMETEST_LOGS/serve-$port.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then
      kill -TERM "$pid"; wait "$pid" || true; return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$READMETEST_LOGS/serve-$port.log" >&2; return 1; fi
    sleep 0.2
  done
  kill -TERM "$pid"; cat "$READMETEST_LOGS/serve-$port.log" >&2; return 1
}
tty_answer() { "$READMETEST_PYTHON" "$READMETEST_TTY" "$@"; }
"""

TTY_ANSWER = r'''
"""Run a command on a terminal and type $PASSWORD at each "Password" prompt (as a person would)."""
import os, pty, sys

password = os.environ["PASSWORD"].encode() + b"\n"
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
seen, typed = b"", 0
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    while seen.count(b"Password") > typed:
        os.write(fd, password)
        typed += 1
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
'''


@dataclass(frozen=True)
class Checkout:
    folder: Path
    env: dict[str, str]
    base_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wrapper(path: Path, *command: str) -> None:
    path.write_text(f'#!/usr/bin/env bash\nexport PYTHONPATH="{ROOT / "src"}"\nexec {" ".join(command)} "$@"\n')
    path.chmod(0o755)


def _run(checkout: Checkout, *argv: str) -> str:
    done = subprocess.run([str(checkout.folder / ".venv" / "bin" / argv[0]), *argv[1:]], cwd=checkout.folder,
                          env=checkout.env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checkout]:
    base = tmp_path_factory.mktemp("readme")
    folder, logs = base / "checkout", base / "logs"
    (folder / ".venv" / "bin").mkdir(parents=True)
    logs.mkdir()
    for name in LINKED:
        (folder / name).symlink_to(ROOT / name)
    bin_ = folder / ".venv" / "bin"
    _wrapper(bin_ / "suitability", sys.executable, "-m", "suitability.cli")
    _wrapper(bin_ / "python", sys.executable)
    _wrapper(bin_ / "gunicorn", sys.executable, "-m", "gunicorn")
    (base / "tty_answer.py").write_text(TTY_ANSWER)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SUITABILITY_", "PROMETHEUS_")) and k not in ("DATABASE_URL", "PYTHONPATH")}
    env.update({
        "SUITABILITY_INSTANCE_PATH": str(base / "instance"),
        "SUITABILITY_DATABASE_URL": f"sqlite:///{base / 'readme.db'}",
        "SUITABILITY_SECRET_KEY": "readme-test-secret-key-0123456789abcdef",
        "SUITABILITY_SESSION_COOKIE_SECURE": "false",
        "SUITABILITY_WEBHOOK_SENDER": "false",
        "SUITABILITY_WORKERS": "1",  # a server command in the README boots one worker here, not 2 x cores + 1
        "PASSWORD": PASSWORD,
        "READMETEST_PYTHON": sys.executable, "READMETEST_TTY": str(base / "tty_answer.py"),
        "READMETEST_LOGS": str(logs),
    })
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    made = Checkout(folder, env, base_url)
    _run(made, "suitability", "db", "upgrade")
    server_log = (logs / "server.log").open("wb")
    server = subprocess.Popen([str(bin_ / "suitability"), "serve", "--port", str(port)], cwd=folder, env=env,
                              stdout=subprocess.DEVNULL, stderr=server_log)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (logs / "server.log").read_text()
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=5) as health:
                    if health.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, (logs / "server.log").read_text()
            time.sleep(0.2)
        key = _run(made, "suitability", "keys", "add", "readme-reader").strip().splitlines()[-1]
        intake = json.loads((ROOT / "examples" / "intake.json").read_text())
        request = urllib.request.Request(base_url + "/api/v1/screenings", method="POST",
                                         data=json.dumps({"intake": intake, "store": True}).encode(),
                                         headers={"Authorization": f"Bearer {key}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            case = json.loads(response.read())["case"]
        env.update({"KEY": key, "CASE_ID": case["id"], "REFERENCE": case["reference"]})
        yield made
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()


def _report(block: Block, script: str, done: subprocess.CompletedProcess[str]) -> str:
    script = script.removeprefix(PRELUDE)
    return (f"{block.id} exited {done.returncode}\n--- as run (after the helper functions):\n{script}\n"
            f"--- stdout (end):\n"
            f"{done.stdout[-3000:]}\n--- stderr (end):\n{done.stderr[-3000:]}")


@pytest.mark.parametrize("block", blocks(README), ids=lambda b: b.id)
def test_the_readme_example_runs(block: Block, checkout: Checkout) -> None:
    if block.skip:
        pytest.skip(f"{block.id}: {block.skip}")
    if block.kind == "python":
        script = block.text
        command = [sys.executable, "-"]
    else:
        script = PRELUDE + shell_script(block, checkout.base_url)
        command = ["bash", "-"]
    env = {**checkout.env, "PYTHONPATH": str(ROOT / "src")} if block.kind == "python" else checkout.env
    done = subprocess.run(command, input=script, cwd=checkout.folder, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    assert done.returncode == 0, _report(block, script, done)
    assert "Traceback" not in done.stderr, _report(block, script, done)
    if block.expected is not None:
        assert matches(block.expected, done.stdout), \
            f"{block.id} printed something else than the README shows.\n--- README:\n{block.expected}\n" \
            f"--- printed:\n{done.stdout}"


def test_the_readme_has_examples_to_run() -> None:
    found = blocks(README)
    assert sum(b.kind == "sh" for b in found) >= 5 and sum(b.kind == "python" for b in found) >= 1
    assert any(b.expected is not None for b in found)


def test_the_files_the_readme_names_exist() -> None:
    text = README.read_text(encoding="utf-8")
    missing = []
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if not re.match(r"^[a-z]+://", target) and not (ROOT / target).exists():
            missing.append(target)
    for path in re.findall(r"`([\w.-]+(?:/[\w.-]+)+\.(?:md|py|yaml|yml|json|toml|txt|html|css|js))`", text):
        if not (ROOT / path).exists() and not (ROOT / "src" / path).exists():
            missing.append(path)
    assert missing == []


def test_a_console_transcript_runs_its_prompted_lines_only() -> None:
    block = Block(1, "sh", "$ .venv/bin/suitability rules check\nok: 172 rules\n$ curl -fsS http://127.0.0.1:5000/x\n")
    script = shell_script(block, "http://127.0.0.1:1234").splitlines()
    assert script == ["set -euo pipefail", ".venv/bin/suitability rules check", "curl -fsS http://127.0.0.1:1234/x"]


@pytest.mark.parametrize(("expected", "actual", "ok"), [
    ("ok: ... rules, version sha256:...\n", "ok: 172 rules, version sha256:5f71\n", True),
    ("ok: ... rules\n", "OK: 172 rules\n", False),
    ("a\n...\nc\n", "a\nb\nb\nc\n", True),
    ("a\nc\n", "a\nb\nc\n", False),
])
def test_documented_output_is_compared_with_dots_for_anything(expected: str, actual: str, ok: bool) -> None:
    assert matches(expected, actual) is ok
