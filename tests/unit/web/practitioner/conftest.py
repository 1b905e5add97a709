"""The practitioner pages' fixtures: an app on a fresh SQLite file, a practitioner, a signed-in client."""

from tests.common.practitioner_fixtures import app, client, practitioner, signed_in

__all__ = ["app", "client", "practitioner", "signed_in"]
