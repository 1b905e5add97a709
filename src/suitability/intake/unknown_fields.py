"""Where an unknown field sits in what was sent, said without quoting its name back.

A name is whatever the client typed ("Jane Doe is pregnant", or 50,000 characters). An error about one says
"unknown field" and where it is: the object it is in and its position among that object's keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

UNKNOWN = "unknown field"


def _child(data: Any, part: Any) -> Any:
    if isinstance(data, dict) and isinstance(part, str):
        return data.get(part)
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return data[part]
    return None


def _parent(data: Any, path: Sequence[Any]) -> Any:
    for part in path:
        data = _child(data, part)
    return data


def unknown_field(loc: Sequence[Any], data: Any = None) -> tuple[tuple[Any, ...], str]:
    """For an unknown key at `loc` (a validator's error location, the key last) in `data`: the location of the
    object holding it, and a message giving the key's position there (when `data` is given and holds it)."""
    parent_loc = tuple(loc[:-1])
    parent = _parent(data, parent_loc)
    key = loc[-1] if loc else None
    if isinstance(parent, dict) and key in parent:
        return parent_loc, f"{UNKNOWN} (key {list(parent).index(key) + 1} of this object); not in the schema"
    return parent_loc, f"{UNKNOWN}; not in the schema"


def is_unknown_field(error: dict[str, Any]) -> bool:
    """Whether a pydantic error (from `errors()`) is about a key the model does not have."""
    return error.get("type") == "extra_forbidden"
