"""`client.auth.mfa` against a live server, sync and async: enrol, the typed MFA
challenge of `login`, verify with a code and with a recovery code, disable."""

from __future__ import annotations

import uuid

import pytest
from tests.server.mfa_helpers import Authenticator

from platform_sdk import AsyncClient, Client, ConflictError, MfaRequiredError, PermissionDeniedError

PASSWORD = "tidal-lantern-42"
Live = tuple[str, tuple[str, str]]


def new_user(live: Live) -> str:
    """A customer made by the admin; its email (the password is PASSWORD)."""
    server_url, (admin_email, admin_password) = live
    email = f"mfa-{uuid.uuid4().hex[:12]}@example.com"
    with Client(base_url=server_url) as admin:
        admin.auth.login(email=admin_email, password=admin_password)
        admin.users.create(email=email, password=PASSWORD, name="Mfa User")
    return email


def test_enrol_then_sign_in_with_a_code(live: Live) -> None:
    server_url, email = live[0], new_user(live)
    with Client(base_url=server_url) as client:
        client.auth.login(email=email, password=PASSWORD)
        enrollment = client.auth.mfa.enroll()
        assert enrollment.provisioning_uri.startswith("otpauth://totp/")
        assert enrollment.secret not in repr(enrollment)
        app = Authenticator(enrollment.secret)
        codes = client.auth.mfa.confirm(code=app.code())
        assert len(codes.recovery_codes) == 10
        assert codes.recovery_codes[0] not in repr(codes)

    with Client(base_url=server_url) as client:
        with pytest.raises(MfaRequiredError) as raised:
            client.auth.login(email=email, password=PASSWORD)
        err = raised.value
        assert err.status_code == 401 and err.type == "/problems/mfa-required"
        assert err.challenge and err.expires_in == 300
        assert err.challenge not in repr(err)
        client.auth.mfa.verify(challenge=err.challenge, code=app.code())
        assert client.users.me().email == email  # the client holds the new tokens
        current = next(s for s in client.auth.sessions.list() if s.current)
        assert current.mfa is True
        with pytest.raises(PermissionDeniedError) as wrong:
            client.auth.mfa.recovery_codes(code=app.wrong_code())
        assert wrong.value.type == "/problems/mfa-code-invalid"


@pytest.mark.anyio
async def test_async_recovery_code_and_disable(live: Live) -> None:
    server_url, email = live[0], new_user(live)
    async with AsyncClient(base_url=server_url) as client:
        await client.auth.login(email=email, password=PASSWORD)
        app = Authenticator((await client.auth.mfa.enroll()).secret)
        recovery = (await client.auth.mfa.confirm(code=app.code())).recovery_codes

    async with AsyncClient(base_url=server_url) as client:
        try:
            await client.auth.login(email=email, password=PASSWORD)
        except MfaRequiredError as err:
            challenge = err.challenge
        else:
            pytest.fail("login did not ask for a second factor")
        await client.auth.mfa.verify(challenge=challenge, code=recovery[0])
        assert (await client.users.me()).email == email
        fresh = await client.auth.mfa.recovery_codes(code=recovery[1])
        assert len(fresh.recovery_codes) == 10
        await client.auth.mfa.disable(code=app.code())
        tokens = await client.auth.login(email=email, password=PASSWORD)
        assert tokens.access_token


def _enabled(server_url: str, email: str) -> None:
    with Client(base_url=server_url) as client:
        client.auth.login(email=email, password=PASSWORD)
        app = Authenticator(client.auth.mfa.enroll().secret)
        client.auth.mfa.confirm(code=app.code())


def test_an_admin_resets_a_lost_factor(live: Live) -> None:
    server_url, (admin_email, admin_password) = live
    email = new_user(live)
    _enabled(server_url, email)
    with Client(base_url=server_url) as admin:
        admin.auth.login(email=admin_email, password=admin_password)
        [user] = admin.users.list(q=email)
        assert admin.users.reset_mfa(user.id) is None
        with pytest.raises(ConflictError):  # nothing left to reset
            admin.users.reset_mfa(user.id)
    with Client(base_url=server_url) as client:
        assert client.auth.login(email=email, password=PASSWORD).access_token


@pytest.mark.anyio
async def test_async_reset_is_for_admins(live: Live) -> None:
    server_url, (admin_email, admin_password) = live
    email = new_user(live)
    _enabled(server_url, email)
    async with AsyncClient(base_url=server_url) as client:
        with pytest.raises(MfaRequiredError):
            await client.auth.login(email=email, password=PASSWORD)
    async with AsyncClient(base_url=server_url) as admin:
        await admin.auth.login(email=admin_email, password=admin_password)
        me = await admin.users.me()
        with pytest.raises(PermissionDeniedError):  # one's own: disable, with a code
            await admin.users.reset_mfa(me.id)
        [user] = [u async for u in await admin.users.list(q=email)]
        await admin.users.reset_mfa(user.id)
    async with AsyncClient(base_url=server_url) as client:
        assert (await client.auth.login(email=email, password=PASSWORD)).access_token
