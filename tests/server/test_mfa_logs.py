"""No TOTP secret, code, recovery code or challenge reaches the server's log lines."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx

from tests.conftest import bearer
from tests.server.conftest import API
from tests.server.mfa_helpers import challenge_of, enable_mfa, verify
from tests.server.test_logging import logged_server
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD


def test_mfa_secrets_stay_out_of_the_logs(tmp_path: Path) -> None:
    with logged_server(tmp_path, "json") as live, httpx.Client(base_url=live.url) as api:
        admin = api.post(
            f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        email, password = f"logs-{uuid.uuid4().hex[:8]}@example.com", "tidal-lantern-42"
        created = api.post(
            f"{API}/users",
            json={"email": email, "password": password, "name": "Logs"},
            headers=bearer(admin.json()["access_token"]),
        )
        assert created.status_code == 201, created.text
        token = api.post(f"{API}/auth/login", json={"email": email, "password": password})
        app, recovery = enable_mfa(api, token.json()["access_token"])
        challenge = challenge_of(api, email, password)["challenge"]
        wrong = app.wrong_code()
        assert verify(api, challenge, wrong).status_code == 401
        code = app.code()
        assert verify(api, challenge, code).status_code == 200
        assert verify(api, challenge, recovery[0]).status_code == 200

    text = live.stderr.read_text()
    assert "/api/v1/auth/mfa/verify" in text  # the requests were logged...
    for value in (app.totp.secret, challenge, *recovery):  # ...and nothing secret
        assert value not in text
    # Six digits may occur by chance inside a number (a timestamp's fraction): only a
    # code standing alone counts.
    for six_digits in (code, wrong):
        assert not re.search(rf"(?<![\d.]){six_digits}(?!\d)", text)
