"""The operator's commands: `suitability keys add|list|revoke` and `suitability webhooks list|retry|send`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.common.api_receiver import WEBHOOK_SECRET, Receiver
from tests.common.api_support import get_db_of, make_app

from suitability.cli import main
from suitability.services.events import emit_event
from suitability.services.webhooks import Sender


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("SUITABILITY_DATABASE_URL", url)
    monkeypatch.setenv("SUITABILITY_INSTANCE_PATH", str(tmp_path / "instance"))
    return url


def test_a_key_is_printed_once_listed_by_prefix_and_revoked(env: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "add", "booking-system", "--rate-limit", "30"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("sk_")
    client = make_app(tmp_path, env).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/rules", headers=headers).status_code == 200
    assert main(["keys", "list"]) == 0
    listed = capsys.readouterr().out
    assert "booking-system" in listed and token not in listed and "30/min" in listed and "live" in listed
    assert main(["keys", "revoke", "booking-system"]) == 0
    assert client.get("/api/v1/rules", headers=headers).status_code == 401
    assert main(["keys", "add", "booking-system"]) == 1
    assert "already a key" in capsys.readouterr().err
    assert main(["keys", "revoke", "nobody"]) == 1


def test_deliveries_are_listed_with_their_status_and_can_be_retried(env: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    app = make_app(tmp_path, env)
    with get_db_of(app).session() as session:
        [row] = emit_event(session, "review.decided", {"case_id": "c1"}, targets=("http://127.0.0.1:9/h",))
        session.commit()
    assert main(["webhooks", "list"]) == 0
    out = capsys.readouterr().out
    assert f"{row.id}\tpending\treview.decided\t0 attempt(s)" in out and "http://127.0.0.1:9/h" in out
    assert main(["webhooks", "list", "--status", "failed"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["webhooks", "retry", str(row.id)]) == 0
    assert main(["webhooks", "retry", "999"]) == 1


def test_webhooks_send_refuses_without_a_secret_and_says_how_to_make_one(
        env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUITABILITY_WEBHOOK_URLS", "http://127.0.0.1:9/h")
    assert main(["webhooks", "send"]) == 1
    err = capsys.readouterr().err
    assert "set SUITABILITY_WEBHOOK_SECRET to a whsec_ secret (`suitability webhooks new-secret`)" in err
    monkeypatch.setenv("SUITABILITY_WEBHOOK_SECRET", "whsec-not-a-secret")
    assert main(["webhooks", "send"]) == 1
    assert "whsec-not-a-secret" not in capsys.readouterr().err


def test_webhooks_send_delivers_what_the_configured_database_holds_signed(
        env: str, tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(tmp_path, env)
    with get_db_of(app).session() as session:
        [row] = emit_event(session, "review.decided", {"case_id": "c1"}, targets=(receiver.url,))
        session.commit()
    get_db_of(app).dispose()
    monkeypatch.setenv("SUITABILITY_WEBHOOK_URLS", receiver.url)
    monkeypatch.setenv("SUITABILITY_WEBHOOK_SECRET", WEBHOOK_SECRET)
    passes = Sender.run_once

    def one_pass(sender: Sender) -> int:
        passes(sender)
        raise KeyboardInterrupt  # the operator's Ctrl-C after the first pass

    monkeypatch.setattr(Sender, "run_once", one_pass)
    assert main(["webhooks", "send"]) == 130
    assert "sending webhooks; Ctrl-C stops" in capsys.readouterr().err
    assert [event["data"] for event in receiver.events] == [{"case_id": "c1"}] and receiver.bad_signatures == 0
    assert main(["webhooks", "list", "--status", "delivered"]) == 0
    assert f"{row.id}\tdelivered\treview.decided\t1 attempt(s)" in capsys.readouterr().out
