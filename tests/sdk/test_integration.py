"""Every SDK method against the live server, sync and async.

Uses the ``live`` fixture of ``tests/sdk/conftest.py`` (the suite's live server and admin
credentials); without them these tests are skipped.
"""

from __future__ import annotations

import uuid

import pytest

from platform_sdk import (
    AsyncClient,
    AuthenticationError,
    Client,
    ConflictError,
    NotFoundError,
    UnprocessableEntityError,
)

PASSWORD = "correct-horse-42"


def unique_email() -> str:
    return f"sdk-{uuid.uuid4().hex[:12]}@example.com"


def test_every_method_sync(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (admin_email, admin_password) = live
    with Client(server_url) as admin:
        assert admin.health.live().status == "ok"
        assert admin.health.ready().status == "ok"
        admin.auth.login(email=admin_email, password=admin_password)
        assert admin.users.me().email.lower() == admin_email.lower()

        email = unique_email()
        user = admin.users.create(email=email, password=PASSWORD, name="Sdk User", role="staff")
        assert user.role == "staff" and user.request_id
        with pytest.raises(ConflictError):
            admin.users.create(email=email.upper(), password=PASSWORD, name="Dup")
        assert admin.users.get(user.id).email == email
        assert admin.users.update(user.id, name="Renamed").name == "Renamed"
        profile = admin.users.profile.set(user.id, bio="hello", location="Oslo")
        assert (profile.bio, admin.users.profile.get(user.id).location) == ("hello", "Oslo")
        found = [u.id for u in admin.users.list(limit=1, q=email)]
        assert found == [user.id]
        with pytest.raises(NotFoundError):
            admin.users.get(uuid.uuid4())
        with pytest.raises(UnprocessableEntityError):
            admin.users.list(limit=0)

        admin.users.change_password(user.id, new_password=PASSWORD + "!")
        with Client(server_url) as member:
            member.auth.login(email=email, password=PASSWORD + "!")
            sessions = member.auth.sessions.list()
            assert any(s.current for s in sessions.data)
            key = member.api_keys.create(name="sdk-test", idempotency_key=uuid.uuid4().hex)
            assert key.key.startswith("plat_")
            with Client(server_url, api_key=key.key) as by_key:
                assert by_key.users.me().id == user.id
            assert [k.id for k in member.api_keys.list()] == [key.id]
            member.api_keys.revoke(key.id)
            assert list(member.api_keys.list()) == []
            refreshed = member.auth.refresh()
            assert member.refresh_token == refreshed.refresh_token
            with Client(server_url) as second_device:
                second_device.auth.login(email=email, password=PASSWORD + "!")
                others = [s for s in member.auth.sessions.list() if not s.current]
                assert others
                for session in others:
                    member.auth.sessions.revoke(session.id)
                with pytest.raises(AuthenticationError):
                    second_device.users.me()
            member.auth.logout()
            assert member.access_token is None

        # An admin signs the user out everywhere: access and refresh tokens stop working.
        with Client(server_url) as member:
            refresh_token = member.auth.login(email=email, password=PASSWORD + "!").refresh_token
            assert admin.users.revoke_sessions(user.id) is None
            with pytest.raises(AuthenticationError):
                member.users.me()
            with pytest.raises(AuthenticationError):
                member.auth.refresh(refresh_token=refresh_token)

        admin.users.delete(user.id)
        with pytest.raises(NotFoundError):
            admin.users.get(user.id)
        admin.auth.logout()
        with (
            Client(server_url, access_token="not-a-token") as forged,
            pytest.raises(AuthenticationError),
        ):
            forged.users.me()


@pytest.mark.anyio
async def test_every_method_async(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (admin_email, admin_password) = live
    async with AsyncClient(server_url) as admin:
        assert (await admin.health.live()).status == "ok"
        assert (await admin.health.ready()).status == "ok"
        await admin.auth.login(email=admin_email, password=admin_password)
        assert (await admin.users.me()).role == "admin"

        created = [
            await admin.users.create(email=unique_email(), password=PASSWORD, name=f"Async {i}")
            for i in range(3)
        ]
        page = await admin.users.list(limit=2, q="sdk-")
        seen = {u.id async for u in page}
        assert {u.id for u in created} <= seen
        # The call itself is async-iterable too (no await): every item of every page.
        assert {u.id async for u in admin.users.list(limit=2, q="sdk-")} == seen
        first = created[0]
        assert (await admin.users.get(first.id)).id == first.id
        assert (await admin.users.update(first.id, status="suspended")).status == "suspended"
        await admin.users.profile.set(first.id, phone="+4712345678")
        assert (await admin.users.profile.get(first.id)).phone == "+4712345678"
        await admin.users.change_password(first.id, new_password=PASSWORD + "?")

        async with AsyncClient(server_url) as member:
            await member.auth.login(email=created[1].email, password=PASSWORD)
            key = await member.api_keys.create(name="async-key")
            assert [k.id async for k in await member.api_keys.list()] == [key.id]
            await member.api_keys.revoke(key.id)
            sessions = await member.auth.sessions.list()
            current = next(s for s in sessions.data if s.current)
            await member.auth.refresh()
            await member.auth.logout()
            with pytest.raises(AuthenticationError):
                await member.users.me()
            assert current.revoked_at is None

        async with AsyncClient(server_url) as member:
            await member.auth.login(email=created[2].email, password=PASSWORD)
            await member.users.revoke_sessions((await member.users.me()).id)
            with pytest.raises(AuthenticationError):
                await member.users.me()

        for user in created:
            await admin.users.delete(user.id)
        await admin.auth.logout()
