"""What the identity domains hand other domains through their `api` modules: frozen
values (never ORM objects or untyped rows), and None for what is not there."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from pathlib import Path

import pytest

from platform_server.api_keys import api as api_keys
from platform_server.api_keys.schemas import ApiKeyCreate
from platform_server.api_keys.service import create_key
from platform_server.auth import api as auth
from platform_server.auth.service import Authenticator
from platform_server.auth.throttle import MemoryFailureCounter
from platform_server.core.database import Database
from platform_server.core.permissions import permissions_for
from platform_server.core.principal import Principal
from platform_server.core.security import TokenSigner
from platform_server.users import api as users
from tests import servers
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD


def test_users_auth_and_api_keys_answer_with_frozen_values(tmp_path: Path) -> None:
    with servers.test_database(tmp_path) as url:
        settings = servers.make_settings(tmp_path, url)
        servers.prepare_database(settings)

        async def go() -> None:
            db = Database(settings)
            signer = TokenSigner(settings)
            authenticator = Authenticator(settings, db, signer, MemoryFailureCounter())
            try:
                async with db.transaction(write=False) as session:
                    account = await users.find_by_email(session, ADMIN_EMAIL.upper())
                    assert account is not None
                    me = await users.identity(session, account.id)
                    assert await users.identity(session, uuid.uuid4()) is None
                    assert await users.find_by_email(session, "nobody@example.test") is None
                assert me == users.Identity(account.id, ADMIN_EMAIL, "admin", "active", True)
                assert account.password_hash not in repr(account)
                with pytest.raises(dataclasses.FrozenInstanceError):
                    account.role = "customer"  # type: ignore[misc]

                pair = await authenticator.login(
                    ADMIN_EMAIL, ADMIN_PASSWORD, user_agent="test", ip="127.0.0.1"
                )
                session_id = signer.verify(pair.access_token).session_id
                owner = Principal(
                    user_id=account.id,
                    email=account.email,
                    role=account.role,
                    permissions=permissions_for(account.role),
                    session_id=session_id,
                )
                async with db.transaction() as session:
                    created = await create_key(
                        session, settings, owner, ApiKeyCreate(name="ci", scopes=["account:read"])
                    )
                async with db.transaction(write=False) as session:
                    live = await auth.active_session(session, session_id)
                    assert await auth.active_session(session, uuid.uuid4()) is None
                    assert created.key is not None
                    key = await api_keys.find_active(session, settings, created.key)
                    assert await api_keys.find_active(session, settings, created.key + "x") is None
                assert isinstance(live, auth.ActiveSession)
                assert (live.id, live.user_id) == (session_id, account.id)
                assert key == api_keys.ActiveKey(
                    created.id, account.id, frozenset({"account:read"}), None
                )
            finally:
                await db.dispose()

        asyncio.run(go())
