"""The integration shell: the versioned JSON API (/api/v1), FHIR R4 endpoints (/fhir) and outcome webhooks.

`init_app(app)` registers both blueprints, exempts them from CSRF (they authenticate with API keys, never
cookies), installs the problem-details guards for their paths and starts the webhook sender on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the JSON API (/api/v1) and the FHIR endpoints (/fhir) on the app (called from `create_app`)."""
    from .blueprints import register

    register(app)


__all__ = ["init_app"]
