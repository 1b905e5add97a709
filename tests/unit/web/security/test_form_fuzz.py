"""Every form post of the patient and practitioner pages, fuzzed: random text, numbers out of range, digits
of other scripts, CR/LF and NUL. No answer is a 5xx, and no page quotes a sent value outside the form fields
that show a person what they typed (value attributes, text areas)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from tests.common.security_support import make_app, make_user, sign_in, store_case

from suitability.web.database import get_db
from suitability.web.patient.questions import PAGES

MARK = "zqechoqz"
EXAMPLES = 100 if os.environ.get("CI") == "true" else 25
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6),  # '²', '١٢', '３'
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.sampled_from(["", " ", "\r\n", "a\rb", "x\ny", "\x00", "9" * 25, "1e309", "NaN", "-0", "2026-02-30",
                     "9999-12-31", "0001-01-01", "<script>", "../../etc/passwd", "%0d%0a", "cheeks:1"]),
)
# A value that carries the mark, so an echo of it can be found in the page.
marked = st.tuples(odd_text, st.booleans()).map(lambda pair: pair[0] + MARK if pair[1] else pair[0])


def fields(*names: str) -> st.SearchStrategy[dict[str, str | list[str]]]:
    """Form data for `names` (each present or not, some repeated), plus an unknown field now and then."""
    value = st.one_of(marked, st.lists(marked, min_size=2, max_size=3))
    return st.fixed_dictionaries({}, optional={**{name: value for name in names}, MARK + "-unknown": marked})


def without_fields(html: str) -> str:
    """The page without what form controls show back: value attributes and text areas."""
    html = re.sub(r'value="[^"]*"', "", html)
    return re.sub(r"<textarea[^>]*>.*?</textarea>", "", html, flags=re.DOTALL)


def assert_fine(response: TestResponse) -> None:
    assert response.status_code < 500, response.status_code
    assert MARK not in without_fields(response.get_data(as_text=True)), "the page quotes a sent value"
    assert all(MARK not in value for _, value in response.headers.items()), "a header quotes a sent value"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = make_app(Path(tmp_path_factory.mktemp("fuzz")), WEBHOOK_SENDER=False)
    make_user(application, "pat")
    make_user(application, "ada", role="admin")
    yield application
    with application.app_context():
        get_db().dispose()


@pytest.fixture(scope="module")
def case_id(app: Flask) -> str:
    return store_case(app).id


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username).status_code == 303
    return client


@pytest.mark.parametrize("page", PAGES, ids=[p.slug for p in PAGES])
def test_every_patient_page_takes_any_post(app: Flask, page: object) -> None:
    names = [q.name for q in page.all_questions()]  # type: ignore[attr-defined]
    rows = [f"treatments-{i}-{part}" for i in range(3) for part in ("area", "concern")]
    client = app.test_client()
    assert client.post("/start", data={"consent": "yes"}).status_code == 302

    @FUZZ
    @given(form=fields(*names, *rows, "action", "return_to"))
    def post(form: dict[str, str | list[str]]) -> None:
        assert_fine(client.post(f"/questions/{page.slug}", data=form))  # type: ignore[attr-defined]

    post()


def test_the_consent_and_send_posts_take_any_post(app: Flask) -> None:
    client = app.test_client()

    @FUZZ
    @given(consent=fields("consent"), send=fields("token"))
    def post(consent: dict[str, str | list[str]], send: dict[str, str | list[str]]) -> None:
        assert_fine(client.post("/start", data=consent))
        assert_fine(client.post("/submit", data=send))

    post()


def test_the_sign_in_form_takes_any_post(app: Flask) -> None:
    @FUZZ
    @given(form=fields("username", "password", "next"))
    def post(form: dict[str, str | list[str]]) -> None:
        client = app.test_client()
        assert_fine(client.post("/practitioner/sign-in", data=form))
        assert client.get("/practitioner/").status_code == 302  # nobody signed in by a fuzzed form

    post()


DECIDE = ("version", "action", "defer_until", "override_reason", "override_note", "note",
          *(f"depth_{i}" for i in range(3)))
CHECK_IN = ("version", "on", "pregnant", "age", "isotretinoin_last_dose", "treatments-0-area")


def test_the_decide_and_check_in_forms_take_any_post(app: Flask, case_id: str) -> None:
    client = signed_in(app, "pat")

    @FUZZ
    @given(decide=fields(*DECIDE), check_in=fields(*CHECK_IN), path_id=st.sampled_from([case_id, MARK]))
    def post(decide: dict[str, str | list[str]], check_in: dict[str, str | list[str]], path_id: str) -> None:
        assert_fine(client.post(f"/practitioner/case/{path_id}/decide", data=decide))
        assert_fine(client.post(f"/practitioner/case/{path_id}/check-in", data=check_in))

    post()


def test_the_rescreen_and_rule_set_forms_take_any_post(app: Flask) -> None:
    client = signed_in(app, "ada")

    @FUZZ
    @given(rescreen=fields("case", "ruleset_version"), ruleset=fields("version", "note"),
           action=st.sampled_from(["approve", "revoke"]))
    def post(rescreen: dict[str, str | list[str]], ruleset: dict[str, str | list[str]], action: str) -> None:
        assert_fine(client.post("/practitioner/rescreen", data=rescreen))
        assert_fine(client.post(f"/practitioner/rulesets/{action}", data=ruleset))
        assert_fine(client.get("/practitioner/rescreen"))  # the flashed messages are shown here
        assert_fine(client.get("/practitioner/rulesets"))

    post()


def test_the_export_takes_any_query(app: Flask) -> None:
    client = signed_in(app, "pat")

    @FUZZ
    @given(query=fields("start", "end"))
    def get(query: dict[str, str | list[str]]) -> None:
        assert_fine(client.get("/practitioner/export", query_string=query))

    get()
