"""Every HTML page says what it is in a meta description (search results and shared links show it), and
each question page holds its Back link inside <main>, where landmarks-only navigation finds it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from suitability.web.patient.questions import PAGES


def _description(html: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]+)">', html)
    assert match, "no meta description"
    return match.group(1)


def test_every_page_has_a_meta_description(client: FlaskClient) -> None:
    seen = [_description(client.get("/").get_data(as_text=True))]
    client.post("/start", data={"consent": "yes"})
    for page in PAGES:
        html = client.get(f"/questions/{page.slug}").get_data(as_text=True)
        assert page.heading in _description(html)
    seen.append(_description(client.get("/check").get_data(as_text=True)))
    seen.append(_description(client.get("/practitioner/sign-in").get_data(as_text=True)))
    seen.append(_description(client.get("/api/v1/docs").get_data(as_text=True)))
    assert all(len(text) > 20 for text in seen)
    assert len(set(seen[2:])) == 2 and seen[2] != seen[0]  # the staff and API pages say what they are


def test_the_back_link_is_inside_main_on_every_question_page_and_the_check_page(client: FlaskClient) -> None:
    client.post("/start", data={"consent": "yes"})
    for path in [*(f"/questions/{page.slug}" for page in PAGES), "/check"]:
        html = client.get(path).get_data(as_text=True)
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert 'class="back-link"' in main, path
        assert 'class="back-link"' not in html.split("<main", 1)[0], path
