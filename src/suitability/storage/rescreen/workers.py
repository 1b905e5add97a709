"""Screen batches in worker processes: durable-rules screens one intake at a time per process, so using both
cores means processes. Each worker builds its own engine from the exact rule-file texts of the parent's rule set
(so every worker screens under the same version), and at most two batches per worker are in flight."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from ...ruleset import RuleSet, load_rules_from_files
from ...screening import Screener
from .difference import CaseDifference
from .preview import Row, screen_batch

_screener: Screener | None = None


def _start(files: dict[str, str], profile: str) -> None:
    global _screener
    _screener = Screener(load_rules_from_files(files, profile))


def _screen(rows: list[Row]) -> list[CaseDifference]:
    assert _screener is not None, "worker not started"
    return screen_batch(_screener, rows)


def screen_in_processes(ruleset: RuleSet, batches: Iterable[list[Row]], jobs: int) -> Iterator[list[CaseDifference]]:
    """Each batch's differences, in the batches' order."""
    # spawn, not fork: the parent may hold database connections and engine threads a fork would copy
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start,
                             initargs=(dict(ruleset.files), ruleset.profile)) as pool:
        pending: deque[Future[list[CaseDifference]]] = deque()
        for batch in batches:
            pending.append(pool.submit(_screen, batch))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
