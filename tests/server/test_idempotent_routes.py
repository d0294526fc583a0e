"""`@creates` and `@idempotent` as routes declare them: claim order, expiry, in-flight
twins, the 202 of a webhook ping, and the checks made when a route is declared."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Response
from pydantic import BaseModel
from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import create_async_engine

from platform_server.core.database import DbSession, utcnow
from platform_server.core.idempotency import IdempotencyRecord, creates, idempotent
from platform_server.core.principal import Principal
from tests.conftest import assert_problem
from tests.server.conftest import API, find_users, unique_email
from tests.servers import LiveServer


def _key() -> dict[str, str]:
    return {"Idempotency-Key": f"routes-{uuid.uuid4()}"}


def _registration(password: str = "tidal-lantern-42") -> dict[str, Any]:
    return {"email": unique_email("idem-routes"), "password": password, "name": "Idem"}


def _sql(server: LiveServer, statement: Any) -> None:
    """One statement on the server's database, from this (test) thread."""

    async def go() -> None:
        engine = create_async_engine(server.settings.database_url)
        try:
            async with engine.begin() as conn:
                await conn.execute(statement)
        finally:
            await engine.dispose()

    asyncio.run(go())


def test_the_password_policy_is_checked_before_the_key_is_claimed(api: httpx.Client) -> None:
    key, body = _key(), _registration()
    assert api.post(f"{API}/users", json=body, headers=key).status_code == 202
    # A short password is refused as such, not as a reuse of the key with another body.
    short = api.post(f"{API}/users", json=_registration("short"), headers=key)
    assert_problem(short, 422, field="password")
    # ...and refusing it claims nothing: a fresh key stays free for the fixed body.
    fresh = _key()
    assert_problem(api.post(f"{API}/users", json=_registration("short"), headers=fresh), 422)
    fixed = api.post(f"{API}/users", json=_registration(), headers=fresh)
    assert fixed.status_code == 202, fixed.text
    assert "idempotent-replayed" not in fixed.headers


def test_an_expired_key_is_a_new_request(
    api: httpx.Client, server: LiveServer, admin_headers: dict[str, str]
) -> None:
    key, body = _key(), _registration()
    assert api.post(f"{API}/users", json=body, headers=key).status_code == 202
    older = utcnow() - timedelta(hours=server.settings.idempotency_ttl_hours, minutes=1)
    _sql(
        server,
        update(IdempotencyRecord)
        .where(IdempotencyRecord.key == key["Idempotency-Key"])
        .values(created_at=older),
    )
    # Past the TTL the key is free again: another body is a new request, not a 422.
    other = _registration()
    again = api.post(f"{API}/users", json=other, headers=key)
    assert again.status_code == 202, again.text
    assert "idempotent-replayed" not in again.headers
    assert len(find_users(api, admin_headers, other["email"])) == 1


def _claim(server: LiveServer, key: str, body: dict[str, Any], age: timedelta) -> None:
    """A claim by an anonymous registration of `body` that has not answered (yet, or ever)."""
    request = json.dumps(["POST", f"{API}/users", body], sort_keys=True, separators=(",", ":"))
    _sql(
        server,
        insert(IdempotencyRecord).values(
            caller="anonymous",
            key=key,
            request_hash=hashlib.sha256(request.encode()).hexdigest(),
            created_at=utcnow() - age,
        ),
    )


def test_a_key_still_being_processed_is_a_409(api: httpx.Client, server: LiveServer) -> None:
    key, body = _key(), _registration()
    _claim(server, key["Idempotency-Key"], body, timedelta(seconds=1))
    response = api.post(f"{API}/users", json=body, headers=key)
    problem = assert_problem(response, 409)
    assert "still being processed" in problem["detail"]
    # The other request's claim is not released by this refusal.
    assert_problem(api.post(f"{API}/users", json=body, headers=key), 409)


def test_an_abandoned_claim_is_taken_over(api: httpx.Client, server: LiveServer) -> None:
    key, body = _key(), _registration()
    _claim(server, key["Idempotency-Key"], body, timedelta(minutes=5))
    response = api.post(f"{API}/users", json=body, headers=key)
    assert response.status_code == 202, response.text
    assert "idempotent-replayed" not in response.headers


def test_a_webhook_ping_replays_its_202(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    url = f"https://hooks-{uuid.uuid4().hex[:8]}.invalid/platform"
    created = api.post(f"{API}/webhooks", json={"url": url, "events": ["*"]}, headers=admin_headers)
    assert created.status_code == 201, created.text
    webhook = created.json()["id"]
    headers = {**admin_headers, **_key()}
    first = api.post(f"{API}/webhooks/{webhook}/test", headers=headers)
    assert first.status_code == 202, first.text
    again = api.post(f"{API}/webhooks/{webhook}/test", headers=headers)
    assert again.status_code == 202
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    deliveries = api.get(f"{API}/webhooks/{webhook}/deliveries", headers=admin_headers)
    # One ping was sent; other deliveries ("*" takes every event the shared server's
    # other work publishes meanwhile) are not this test's.
    pings = [d["id"] for d in deliveries.json()["data"] if d["event_type"] == "ping"]
    assert pings == [first.json()["id"]]


class _Body(BaseModel):
    name: str


def test_a_route_without_its_caller_cannot_be_declared_idempotent() -> None:
    async def anonymous(payload: _Body, session: DbSession) -> None: ...

    with pytest.raises(TypeError, match="Principal"):
        idempotent()(anonymous)


def test_the_body_of_an_idempotent_route_is_its_payload() -> None:
    # The key is bound to `payload`: a body by another name would not be compared.
    async def other(body: _Body, session: DbSession, actor: Principal) -> None: ...

    with pytest.raises(TypeError, match="name the body `payload`"):
        idempotent()(other)


def test_a_create_documents_the_model_it_answers_not_the_response() -> None:
    router = APIRouter()

    @creates(router, "/things", summary="Create a thing", responses={402: {"description": "No"}})
    async def create_thing(
        payload: _Body, session: DbSession, actor: Principal
    ) -> _Body | Response:
        return payload

    operation = FastAPI(routes=router.routes).openapi()["paths"]["/things"]["post"]
    answered = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert answered == {"$ref": "#/components/schemas/_Body"}
    assert set(operation["responses"]) == {"201", "402", "422"}
    assert [p["name"] for p in operation["parameters"]] == ["idempotency-key"]


def test_a_create_answering_two_models_cannot_be_declared() -> None:
    async def either(payload: _Body, session: DbSession, actor: Principal) -> _Body | Principal:
        return payload

    with pytest.raises(TypeError, match="answer one model"):
        creates(APIRouter(), "/either", summary="Either")(either)
