"""The errors a use case raises, for doors to translate into pages and problem documents."""

from __future__ import annotations

from ..errors import ReviewConflict, ReviewRefused, SuitabilityError
from ..storage.errors import (
    CaseNotFound,
    CheckInConflict,
    CheckInRefused,
    IdempotencyConflict,
    RescreenRefused,
    StorageError,
    ViewNotAudited,
    failure_kinds,
)

__all__ = [
    "CaseNotFound", "CheckInConflict", "CheckInRefused", "IdempotencyConflict", "RescreenRefused", "ReviewConflict",
    "ReviewRefused", "StorageError", "SuitabilityError", "ViewNotAudited", "failure_kinds",
]
