"""The queue: flagged cases only, filters by outcome and status, reference search, order, pages, counts."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.review_support import OUTCOME_CHANGES, decide, store_case

from suitability.storage import Case, ReviewStatus
from suitability.storage.review_queue import queue
from suitability.vocabulary import Outcome
from suitability.web.database import get_db


def listed(client: FlaskClient, query: str = "") -> list[str]:
    """The reference codes the queue page lists, in order."""
    response = client.get(f"/practitioner/?{query}")
    assert response.status_code == 200
    return re.findall(r'class="case-link"[^>]*>([^<]+)<', response.get_data(as_text=True))


def counts(client: FlaskClient, query: str = "") -> dict[str, int]:
    """The counts per outcome at the top of the queue page."""
    html = client.get(f"/practitioner/?{query}").get_data(as_text=True)
    return {outcome: int(n) for outcome, n in re.findall(r'data-outcome="([a-z_]+)">(\d+)<', html)}


@pytest.fixture
def cases(app: Flask) -> dict[str, Case]:
    """One stored case of each flagged outcome (oldest first in this order) and one plainly suitable case."""
    made = {outcome: store_case(app, outcome) for outcome in OUTCOME_CHANGES}
    made["suitable"] = store_case(app, "suitable", retinoid="no", cold_sore_history="no")
    return made


def test_the_queue_lists_flagged_cases_newest_first_and_never_a_suitable_one(
        signed_in: FlaskClient, cases: dict[str, Case]) -> None:
    flagged = [c.reference for o, c in cases.items() if o != "suitable"]
    assert listed(signed_in) == flagged[::-1]
    assert listed(signed_in, "order=oldest") == flagged
    assert cases["suitable"].reference not in listed(signed_in, "status=all")


def test_the_counts_per_outcome_are_at_the_top(signed_in: FlaskClient, cases: dict[str, Case], app: Flask) -> None:
    store_case(app, "review", pregnant="not_sure", fitzpatrick=None)
    assert counts(signed_in) == {"suitable_with_precautions": 1, "review": 2, "defer": 1, "not_suitable": 1}
    # they stay the choices of the outcome filter: filtering by one outcome does not zero the others
    assert counts(signed_in, "outcome=defer") == counts(signed_in)


@pytest.mark.parametrize("outcome", list(OUTCOME_CHANGES))
def test_the_outcome_filter_shows_only_that_outcome(signed_in: FlaskClient, cases: dict[str, Case],
                                                    outcome: str) -> None:
    assert listed(signed_in, f"outcome={outcome}") == [cases[outcome].reference]


def test_the_status_filter_follows_decisions(signed_in: FlaskClient, cases: dict[str, Case]) -> None:
    assert decide(signed_in, cases["review"], action="decline").status_code == 303
    assert decide(signed_in, cases["defer"], action="request_information",
                  note="When did the cold sore start?").status_code == 303
    assert listed(signed_in, "status=decided") == [cases["review"].reference]
    assert listed(signed_in, "status=needs_information") == [cases["defer"].reference]
    open_now = listed(signed_in)
    assert cases["review"].reference not in open_now and cases["defer"].reference not in open_now
    assert len(listed(signed_in, "status=all")) == 4
    assert counts(signed_in)["review"] == 0 and counts(signed_in, "status=decided")["review"] == 1


@pytest.mark.parametrize("typed", ["{ref}", "{lower}", "{spaced}"])
def test_a_reference_is_found_however_it_is_typed(signed_in: FlaskClient, cases: dict[str, Case],
                                                  typed: str) -> None:
    reference = cases["defer"].reference
    text = typed.format(ref=reference, lower=reference.lower(),
                        spaced=reference.replace("-", " ").lower().replace("mn ", "mn"))
    assert listed(signed_in, f"reference={text}&status=all") == [reference]


def test_something_that_is_not_a_reference_finds_nothing_rather_than_everything(
        signed_in: FlaskClient, cases: dict[str, Case]) -> None:
    assert listed(signed_in, "reference=%25") == []
    assert listed(signed_in, "reference=MN-0000-0000") == []


def test_unknown_filter_values_fall_back_to_the_defaults(signed_in: FlaskClient, cases: dict[str, Case]) -> None:
    assert listed(signed_in, "status=nonsense&outcome=suitable&order=sideways&page=-3") == listed(signed_in)


def test_the_queue_is_paged_and_every_case_is_on_exactly_one_page(app: Flask, cases: dict[str, Case]) -> None:
    with app.app_context(), get_db().session() as session:
        pages = [queue(session, status=None, per_page=2, page=n) for n in (1, 2, 3)]
        beyond = queue(session, status=None, per_page=2, page=99)
    assert [p.total for p in pages] == [4, 4, 4] and pages[0].pages == 2
    seen = [c.reference for p in pages[:2] for c in p.cases]
    assert sorted(seen) == sorted(c.reference for o, c in cases.items() if o != "suitable")
    assert beyond.page == 2 and [c.id for c in beyond.cases] == [c.id for c in pages[1].cases]
    assert pages[0].counts[Outcome.NOT_SUITABLE] == 1 and Outcome.SUITABLE not in pages[0].counts


def test_the_queue_page_links_to_the_next_page(app: Flask, signed_in: FlaskClient) -> None:
    for _ in range(26):
        store_case(app, "not_suitable")
    first = signed_in.get("/practitioner/?outcome=not_suitable").get_data(as_text=True)
    assert "26 cases, page 1 of 2" in first and 'rel="next"' in first
    second = listed(signed_in, "outcome=not_suitable&page=2")
    assert len(second) == 1 and second[0] not in listed(signed_in, "outcome=not_suitable")


def test_the_queue_links_cases_by_their_unguessable_id(signed_in: FlaskClient, cases: dict[str, Case]) -> None:
    html = signed_in.get("/practitioner/").get_data(as_text=True)
    for outcome in OUTCOME_CHANGES:
        assert f'/practitioner/case/{cases[outcome].id}"' in html
    assert all(len(c.id) >= 22 for c in cases.values())
    assert signed_in.get(f"/practitioner/case/{cases['review'].reference}").status_code == 404


def test_review_status_is_a_queue_status(app: Flask, cases: dict[str, Case]) -> None:
    with app.app_context(), get_db().session() as session:
        found = queue(session, status=ReviewStatus.OPEN, outcome=Outcome.REVIEW)
    assert [c.id for c in found.cases] == [cases["review"].id]


def test_a_too_early_appointment_is_marked_in_the_queue_and_times_name_the_clinics_zone(
        app: Flask, signed_in: FlaskClient) -> None:
    import datetime as dt

    soon = (dt.date.today() + dt.timedelta(days=5)).isoformat()  # inside the retinoid's 10-day stop
    early = store_case(app, "defer", cold_sore_now="no", appointment_date=soon)
    other = store_case(app, "defer")
    html = signed_in.get("/practitioner/").get_data(as_text=True)
    rows = {ref: row for row in html.split("<tr>")[1:] for ref in re.findall(r'class="case-link"[^>]*>([^<]+)<', row)}
    assert "appointment too early" in rows[early.reference] and "marker-too-early" in rows[early.reference]
    assert "appointment too early" not in rows[other.reference]
    zone = app.config["CLINIC_ZONE"]
    assert f"({getattr(zone, 'key', None) or dt.datetime.now(zone).tzname()})" in rows[early.reference]


def filters_folded_open(client: FlaskClient, query: str = "") -> bool:
    """Whether the queue page sends its filters' fold open (a phone shows it folded otherwise)."""
    html = client.get(f"/practitioner/?{query}").get_data(as_text=True)
    [tag] = re.findall(r'<details class="filter-panel" id="queue-filters"[^>]*>', html)
    return tag.endswith(" open>")


@pytest.mark.parametrize("query", ["status=all", "outcome=review", "order=oldest", "when=today", "scope=every",
                                   "from=2026-01-05", "to=2026-01-05", "due=1", "when=range&from=2026-01-05"])
def test_a_chosen_filter_is_never_folded_away(signed_in: FlaskClient, query: str) -> None:
    assert filters_folded_open(signed_in, query)


def test_a_fresh_queue_or_a_search_alone_folds_the_filters(signed_in: FlaskClient) -> None:
    assert not filters_folded_open(signed_in)
    assert not filters_folded_open(signed_in, "reference=MN-0000-0000")  # the search box is never folded
    assert not filters_folded_open(signed_in, "status=open&order=newest&when=&outcome=&scope=flagged")
    assert not filters_folded_open(signed_in, "status=nonsense&order=nonsense")  # unknown choices are the defaults
