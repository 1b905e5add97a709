"""The operator's commands: `suitability keys add|list|revoke` and `suitability webhooks list|retry`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.common.api_support import get_db_of, make_app

from suitability.cli import main
from suitability.services.events import emit_event


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
