"""The API, FHIR and webhook fixtures: an app on a fresh SQLite file, a client, a live API key."""

from tests.common.api_fixtures import app, auth, client, db_url, hooked, receiver, token

__all__ = ["app", "auth", "client", "db_url", "hooked", "receiver", "token"]
