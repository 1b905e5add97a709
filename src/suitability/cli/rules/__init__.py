"""`suitability rules ...`: every command on rule files and rule-set versions, registered in one place."""

from __future__ import annotations

from ..commands import Commands
from . import approvals, catalogue, files


def register(commands: Commands) -> None:
    """Add the `rules` group: the files (list, check, test, seal), the catalogue (docs, diff-profiles) and the
    clinical sign-off (approve, revoke, approvals)."""
    group = commands.group("rules", dest="rules_cmd", help="the rule files: check, test, seal, document, approve")
    for module in (files, catalogue, approvals):
        module.register(group)
