"""Whether a page shows a case's reference code: the whole pattern, since a random form token may hold "MN-"."""

from __future__ import annotations

import re

REFERENCE = re.compile(r"\bMN-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


def shows_a_reference(text: str) -> bool:
    """True when `text` holds something shaped like a reference code (MN-7K3Q-9XPA)."""
    return REFERENCE.search(text) is not None
