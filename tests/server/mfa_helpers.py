"""TOTP codes for the MFA tests, without depending on where in its 30 s step the clock is.

The server accepts the code of its current step and one either side, and never a step
at or before the last one it accepted. `Authenticator.code()` gives the code of the
client's current step, or of the step after the last one used when that is later (at
most one step ahead, which the server accepts), so consecutive codes never replay.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pyotp

from tests.conftest import bearer
from tests.server.conftest import API


class Authenticator:
    def __init__(self, secret: str) -> None:
        self.totp = pyotp.TOTP(secret)
        self.last_step: int | None = None

    def code(self) -> str:
        now = self.totp.timecode(time.time())
        step = now if self.last_step is None else max(now, self.last_step + 1)
        assert step <= now + 1, "more codes than steps: the server would refuse this one"
        self.last_step = step
        return self.totp.generate_otp(step)

    def wrong_code(self) -> str:
        now = self.totp.timecode(time.time())
        used = {self.totp.generate_otp(s) for s in range(now - 2, now + 3)}
        return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in used)


def enable_mfa(api: httpx.Client, access_token: str) -> tuple[Authenticator, list[str]]:
    """Enrol and confirm; the authenticator and the recovery codes."""
    enrolled = api.post(f"{API}/auth/mfa/enroll", headers=bearer(access_token))
    assert enrolled.status_code == 200, enrolled.text
    app = Authenticator(enrolled.json()["secret"])
    confirmed = api.post(
        f"{API}/auth/mfa/confirm", json={"code": app.code()}, headers=bearer(access_token)
    )
    assert confirmed.status_code == 200, confirmed.text
    return app, confirmed.json()["recovery_codes"]


def challenge_of(api: httpx.Client, email: str, password: str) -> dict[str, Any]:
    response = api.post(f"{API}/auth/login", json={"email": email, "password": password})
    assert response.status_code == 401, response.text
    body: dict[str, Any] = response.json()
    assert body["type"] == "/problems/mfa-required", body
    return body


def verify(api: httpx.Client, challenge: str, code: str) -> httpx.Response:
    return api.post(f"{API}/auth/mfa/verify", json={"challenge": challenge, "code": code})
