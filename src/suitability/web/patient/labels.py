"""The answer labels as the web pages name them: the shared words of every door, from `suitability.wording`."""

from __future__ import annotations

from ...wording.labels import LABELS, NOT_SURE, label

__all__ = ["LABELS", "NOT_SURE", "label"]
