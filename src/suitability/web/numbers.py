"""Whole numbers typed into forms: ASCII digits only, and a bounded count of them.

`str.isdigit()` is true for '²', '١' and '３', which `int()` then refuses or reads as another number; a long
run of digits overflows the database's integer. Every form number is read here instead.
"""

from __future__ import annotations

VERSION_DIGITS = 9  # a record version fits a 32-bit integer column on every database


def whole_number(text: str, digits: int) -> int | None:
    """`text` as a non-negative whole number of at most `digits` ASCII digits, else None."""
    if 0 < len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def version_number(text: str) -> int | None:
    """A record version sent back by a form (optimistic concurrency), else None."""
    return whole_number(text, VERSION_DIGITS)
