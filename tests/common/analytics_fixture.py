"""A small, hand-counted set of cases and practitioner decisions for the rule analytics tests.

Everything goes through the real submission (`store_submission`) and review (`record_review`) functions. The
figures each test expects are written out by hand in EXPECTED, from the list below, not computed by the code
under test.

    3 x pregnant (not suitable): one approved (an override, clinical judgement), one declined, one asked for
        more information (not a decision)
    2 x active cold sore (defer): both approved (overrides: patient's informed consent, other)
    1 x unknown skin type (review): approved within the rules' depths (a decision, no override)
    2 x all-clear example (suitable with precautions, decided by cold-sore-history and retinoid): one declined
        (more cautious than the engine: a decision, no override), one not reviewed
Every case also fires cold-sore-history and retinoid (the example answers say so).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tests.common.rulesets import library_rulesets
from tests.common.storage_samples import screened

from suitability.services.events import RecordingEvents
from suitability.services.review import Proposal, record_review
from suitability.storage import store_submission
from suitability.storage.accounts import add_user
from suitability.storage.review_models import OverrideReason, ReviewAction
from suitability.vocabulary import Outcome

DEPTHS = {0: 1.5, 1: 0.5}  # within what the rules allow for the example's two treatments
EXPECTED = {  # rule id -> (fired, decided, practitioner decisions, overrides)
    "pregnant": (3, 3, 2, 1),
    "cold-sore-active": (2, 2, 2, 2),
    "unknown-skin-type": (1, 1, 1, 0),
    "cold-sore-history": (8, 2, 1, 0),
    "retinoid": (8, 2, 1, 0),
}
EXPECTED_REASONS = {
    "pregnant": {OverrideReason.CLINICAL_JUDGEMENT: 1},
    "cold-sore-active": {OverrideReason.PATIENT_INFORMED_CONSENT: 1, OverrideReason.OTHER: 1},
}
EXPECTED_OUTCOMES = {Outcome.NOT_SUITABLE: 3, Outcome.DEFER: 2, Outcome.REVIEW: 1,
                     Outcome.SUITABLE_WITH_PRECAUTIONS: 2, Outcome.SUITABLE: 0}


def _case(session: Session, outcome: Outcome, **changes: object) -> str:
    intake, decision = screened(**changes)
    assert decision.outcome is outcome, decision.outcome
    case, _ = store_submission(session, intake, decision, idempotency_key=None, body_hash=None, source="web", rulesets=library_rulesets)
    return case.id


def _override(reason: OverrideReason) -> Proposal:
    return Proposal(ReviewAction.APPROVE, depth_limits=DEPTHS, override_reason=reason,
                    override_note="Seen in clinic")


def build(session: Session) -> dict[str, list[str]]:
    """Store the cases and decisions above; returns case ids by group."""
    reviewer = add_user(session, "ana", "correct horse battery staple").id
    today = dt.date.today()
    pregnant = [_case(session, Outcome.NOT_SUITABLE, pregnant="yes") for _ in range(3)]
    cold_sore = [_case(session, Outcome.DEFER, cold_sore_now="yes") for _ in range(2)]
    unknown = [_case(session, Outcome.REVIEW, fitzpatrick="not_sure")]
    clear = [_case(session, Outcome.SUITABLE_WITH_PRECAUTIONS) for _ in range(2)]

    def review(case_id: str, proposal: Proposal) -> None:
        record_review(session, case_id, reviewer, proposal, expected_version=0, today=today, events=RecordingEvents())

    review(pregnant[0], _override(OverrideReason.CLINICAL_JUDGEMENT))
    review(pregnant[1], Proposal(ReviewAction.DECLINE))
    review(pregnant[2], Proposal(ReviewAction.REQUEST_INFORMATION, note="Send the scan"))
    review(cold_sore[0], _override(OverrideReason.PATIENT_INFORMED_CONSENT))
    review(cold_sore[1], _override(OverrideReason.OTHER))
    review(unknown[0], Proposal(ReviewAction.APPROVE, depth_limits=DEPTHS))
    review(clear[0], Proposal(ReviewAction.DECLINE))
    return {"pregnant": pregnant, "cold_sore": cold_sore, "unknown": unknown, "clear": clear}
