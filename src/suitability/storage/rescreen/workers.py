"""Screen batches in worker processes: durable-rules screens one intake at a time per process, so using both
cores means processes. Each worker builds its own engine from the exact rule-file texts of the parent's rule set
(so every worker screens under the same version) and reads its own batches from the database by keyset range;
the parent only pages through the keys. At most two batches per worker are in flight."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from ...rules.loading import RuleSet, load_rules_from_files
from ...screening import Screener
from ..database import Database
from .difference import CaseDifference
from .preview import Key, Scope, read_range, screen_batch

_worker: tuple[Screener, Database, Scope] | None = None


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
