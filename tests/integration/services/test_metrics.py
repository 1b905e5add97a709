"""What a scrape reads from the database, on a real SQLite file and a real PostgreSQL: the webhook outbox's depth
by status, every status named even when it has no delivery."""

from __future__ import annotations

from suitability.services.events import Outbox
from suitability.services.metrics import webhook_outbox_depth
from suitability.storage import Database


def test_the_outbox_depth_names_every_status(db: Database) -> None:
    assert webhook_outbox_depth(db) == {"pending": 0, "delivered": 0, "failed": 0}
    outbox = Outbox(lambda: ("http://127.0.0.1:9/a", "http://127.0.0.1:9/b"))
    with db.session() as session:
        outbox.emit(session, "review.decided", {"case_id": "x"})
        session.commit()
    assert webhook_outbox_depth(db) == {"pending": 2, "delivered": 0, "failed": 0}
