"""Reading practitioner reviews: every decision on a case with who made it (recording them is a service)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .review_models import Review, User


def reviews_for(session: Session, case_id: str) -> list[tuple[Review, User]]:
    """Every decision on a case with who made it, oldest first."""
    query = (select(Review, User).join(User, Review.reviewer_id == User.id)
             .where(Review.case_id == case_id).order_by(Review.id))
    return [(review, user) for review, user in session.execute(query)]
