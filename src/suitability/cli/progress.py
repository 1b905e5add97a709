"""A small progress bar on stderr for long commands: drawn only for a person watching (a TTY) or when asked."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 24


class ProgressBar:
    """`update(n)` after each piece of work; `close()` ends the line. Redraws at most five times a second."""

    def __init__(self, total: int, label: str, *, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.total, self.label, self.done = max(total, 0), label, 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self._drawn = 0.0

    def update(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= 0.2 or self.done >= self.total):
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        share = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(share * WIDTH)
        rate = self.done / max(now - self.started, 1e-9)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {self.done:,}/{self.total:,} "
                          f"{share:4.0%} {rate:,.0f}/s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
