"""An admin resets another user's second factor: `DELETE /users/{id}/mfa`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import httpx

from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import API, login
from tests.server.mfa_helpers import challenge_of, enable_mfa


def _reset(api: httpx.Client, user_id: str, headers: Mapping[str, str]) -> httpx.Response:
    return api.delete(f"{API}/users/{user_id}/mfa", headers=headers)


def test_an_admin_resets_a_lost_factor(
    api: httpx.Client, customer: Account, admin_headers: Mapping[str, str]
) -> None:
    enable_mfa(api, customer.access_token)
    challenge_of(api, customer.email, customer.password)  # the password alone is not enough

    assert _reset(api, customer.id, admin_headers).status_code == 204
    # The factor is gone: the password signs in, and enrolment starts afresh.
    signed_in = login(api, customer.email, customer.password)
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    assert api.post(f"{API}/auth/mfa/enroll", headers=bearer(token)).status_code == 200
    # Every earlier session ended (its refresh token too).
    assert_problem(api.get(f"{API}/users/me", headers=bearer(customer.access_token)), 401)
    refreshed = api.post(f"{API}/auth/refresh", json={"refresh_token": customer.refresh_token})
    assert_problem(refreshed, 401)
    # Audited, naming the admin.
    trail = api.get(
        f"{API}/audit",
        params={"target_id": customer.id, "action": "auth.mfa_reset"},
        headers=admin_headers,
    )
    assert trail.status_code == 200, trail.text
    [record] = trail.json()["data"]
    assert record["actor_email"] and record["actor_email"] != customer.email


def test_reset_refuses_what_it_cannot_do(
    api: httpx.Client,
    customer: Account,
    staff: Account,
    admin_account: Account,
    admin_headers: Mapping[str, str],
) -> None:
    # Nothing to reset.
    body = assert_problem(_reset(api, customer.id, admin_headers), 409)
    assert "no second factor" in body["detail"]
    enable_mfa(api, customer.access_token)
    # Only an admin, and never on the admin's own account (that is disable, with a code).
    assert_problem(_reset(api, customer.id, bearer(staff.access_token)), 403)
    assert_problem(_reset(api, customer.id, bearer(customer.access_token)), 403)
    own = assert_problem(_reset(api, admin_account.id, admin_headers), 403)
    assert "own" in own["detail"]
    assert_problem(_reset(api, customer.id, {}), 401)
    assert_problem(_reset(api, str(uuid.uuid4()), admin_headers), 404)
    assert_problem(_reset(api, "not-an-id", admin_headers), 422, field="id")
    # Still on after every refusal.
    challenge_of(api, customer.email, customer.password)
