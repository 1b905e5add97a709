"""Where templates and static files are: in the wheel (`suitability/_data/web`), else the source tree."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def web_dir() -> Path:
    """The `web/` folder holding `templates/` and `static/` (same lookup as `ruleset.default_rules_dir`)."""
    shipped = resources.files("suitability") / "_data" / "web"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[3] / "web"
