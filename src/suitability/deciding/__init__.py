"""Deciding, the end of the pipeline: the rules that fired become one decision and what would change it.

A decision has its outcome, depth limits, dated instructions and how long it holds.

`combine` and `what_would_change` are not re-exported: a function named like its module would hide the module."""

from .report import render_text
from .validity import answers_at_checkin, questions_to_reask, valid_until

__all__ = ["answers_at_checkin", "questions_to_reask", "render_text", "valid_until"]
