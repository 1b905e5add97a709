"""Screen stored cases again, here or in worker processes, and compare each with its stored decision.

durable-rules screens one intake at a time per process, so using both cores means processes. Each worker builds
its own engine from the exact rule-file texts of the parent's rule set (so every worker screens under the same
version) and reads its own batches from the database by keyset range; the parent only pages through the keys.
At most two batches per worker are in flight. A screen here never explains (explain=False): a re-screen
compares outcome, depth limits, dates and rules only, and each stored intake keeps its own screening date, so a
difference comes from the rules, not from time passing.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from pydantic import ValidationError

from ..deciding.difference import CaseDifference, compare, failed, summary_of
from ..intake import parse_intake
from ..rules.loading import RuleSet, load_rules_from_files
from ..screening import ENGINE_FAILED_FLAG, Screener
from ..storage.database import Database
from ..storage.rescreen.preview import Key, Row, Scope, read_range

_worker: tuple[Screener, Database, Scope] | None = None


def screen_case(screener: Screener, row: Row) -> CaseDifference:
    """One stored case against the screener's rule set (no explanation); never raises for a bad row."""
    case = {**row, "review_status": getattr(row["review_status"], "value", row["review_status"])}
    version = screener.ruleset.version
    try:
        intake = parse_intake(row["intake"], stored=True)
    except ValidationError:  # the stored answers no longer fit the intake model: say so, never echo them
        return failed(case, row["decision"], version, "the stored intake is no longer valid")
    decision = screener.screen(intake, explain=False)
    if ENGINE_FAILED_FLAG in decision.flags:
        return failed(case, row["decision"], decision.ruleset_version, "the automatic screen failed")
    return compare(case, row["decision"], summary_of(decision))


def screen_batch(screener: Screener, rows: list[Row]) -> list[CaseDifference]:
    """Each row's difference, in order."""
    return [screen_case(screener, row) for row in rows]


def _start(files: dict[str, str], profile: str, url: str, scope: Scope) -> None:
    global _worker
    _worker = (Screener(load_rules_from_files(files, profile)), Database(url), scope)


def _screen(after: Key | None, last: Key) -> list[CaseDifference]:
    assert _worker is not None, "worker not started"
    screener, database, scope = _worker
    return screen_batch(screener, read_range(database, scope, after, last))


def screen_in_processes(ruleset: RuleSet, url: str, scope: Scope, ranges: Iterable[tuple[Key | None, Key]],
                        jobs: int) -> Iterator[list[CaseDifference]]:
    """Each range's differences, in the ranges' order."""
    # spawn, not fork: the parent holds database connections and engine state a fork would copy
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start,
                             initargs=(dict(ruleset.files), ruleset.profile, url, scope)) as pool:
        pending: deque[Future[list[CaseDifference]]] = deque()
        for after, last in ranges:
            pending.append(pool.submit(_screen, after, last))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
