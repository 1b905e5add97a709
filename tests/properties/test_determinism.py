"""(a) Deterministic and isolated: the same intake gives the same decision, whatever was screened before."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.common.strategies import intakes

from suitability import Intake, Screener


@settings(max_examples=100)
@given(first=intakes(), others=st.lists(intakes(), min_size=1, max_size=4))
def test_same_intake_same_decision_whatever_was_screened_before(screener, screen, first: Intake,
                                                                  others: list[Intake]) -> None:
    before = screen(first).model_dump_json()
    for other in others:
        screen(other)
    assert screen(first).model_dump_json() == before


@settings(max_examples=50)
@given(st.lists(intakes(), min_size=1, max_size=6))
def test_a_second_engine_with_another_history_decides_the_same(screener, screen, batch: list[Intake]) -> None:
    fresh = Screener(screener.ruleset)  # its own compiled ruleset, no screenings before these
    for intake in reversed(batch):
        assert fresh.screen(intake).model_dump_json() == screen(intake).model_dump_json()


SCREEN_ALL = (
    "import json, sys\n"
    "from suitability import default_screener\n"
    "from suitability.intake import parse_intake\n"
    "screener = default_screener()\n"
    "print(json.dumps([screener.screen(parse_intake(d)).model_dump_json() for d in json.load(sys.stdin)]))\n"
)


@settings(max_examples=1)
@given(st.lists(intakes(), min_size=60, max_size=60))
def test_another_process_with_another_hash_seed_decides_byte_for_byte_the_same(screen, batch: list[Intake]) -> None:
    """Set and dict iteration order changes with PYTHONHASHSEED: no decision may depend on it."""
    documents = json.dumps([intake.model_dump(mode="json") for intake in batch])
    expected = [screen(intake).model_dump_json() for intake in batch]
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", SCREEN_ALL], input=documents, capture_output=True, text=True,
                                env=env, timeout=300, check=True)
        assert json.loads(result.stdout) == expected
