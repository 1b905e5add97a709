"""The session serialiser's shortcut writes the same cookie text as Flask's tagged JSON and reads any of it back
the same, whatever the session holds (plain answers, or tuples, bytes, Markup, dates, tag-like dicts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from suitability.web.sessions import PlainFirstSerializer, SessionInterface

TAGS = [" t", " di", " b", " m", " u", " d", "t", "di"]
leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
    st.text().map(Markup), st.binary(max_size=8), st.uuids(),
    st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.replace(microsecond=0)),
)
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.one_of(st.text(max_size=4), st.sampled_from(TAGS)), inner, max_size=4),
), max_leaves=20)
plain = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text()), lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=4), st.sampled_from(TAGS)), inner, max_size=2),
), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.dictionaries(st.text(max_size=8), values, max_size=6),
                 st.dictionaries(st.text(max_size=8), plain, max_size=6)))
@example({"answers": {" t": [1, 2]}})
@example({"answers": {"treatments": [["forehead", "fine_lines"]]}, "when": (1, 2), "note": Markup("<b>")})
def test_the_shortcut_writes_and_reads_exactly_what_flask_does(session: dict[str, Any]) -> None:
    app = Flask(__name__)
    with app.app_context():
        flask_text = TaggedJSONSerializer().dumps(session)
        ours = PlainFirstSerializer()
        assert ours.dumps(session) == flask_text
        assert ours.loads(flask_text) == TaggedJSONSerializer().loads(flask_text)


def test_the_app_uses_it(app: Flask) -> None:
    assert isinstance(app.session_interface, SessionInterface)
    assert isinstance(app.session_interface.serializer, PlainFirstSerializer)
