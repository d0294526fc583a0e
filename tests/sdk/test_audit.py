"""``client.audit`` against the live server, sync and async.

Uses the ``live`` fixture of ``tests/sdk/conftest.py``; without it these tests are skipped.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from platform_sdk import (
    AsyncClient,
    AuditRecord,
    Client,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableEntityError,
)

PASSWORD = "correct-horse-42"


def tag() -> str:
    return uuid.uuid4().hex[:10]


def test_audit_sync(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (admin_email, admin_password) = live
    with Client(server_url) as admin:
        admin.auth.login(email=admin_email, password=admin_password)
        me = admin.users.me()
        since = datetime.now(UTC) - timedelta(seconds=1)
        t = tag()
        product = admin.products.create(
            sku=f"AUD-{t}", name="Audited", price="4.00", category=f"aud-{t}"
        )
        admin.products.update(product.id, name="Audited twice", price="4.50")

        page = admin.audit.list(target_id=product.id, action="product", limit=1)
        assert page.next_cursor is not None
        records = list(page)  # every page, newest first
        assert [r.action for r in records] == ["product.update", "product.create"]
        update = records[0]
        assert isinstance(update, AuditRecord)
        assert update.actor_id == me.id and update.actor_email == me.email
        assert update.target_type == "product" and update.target_id == str(product.id)
        assert update.changes == {
            "name": {"before": "Audited", "after": "Audited twice"},
            "price": {"before": "4.00", "after": "4.50"},
        }
        assert update.ip == "127.0.0.1" and update.request_id

        again = admin.audit.get(update.id)
        assert again.model_dump() == update.model_dump()
        # The field is the audited request's id; the response's own is apart.
        assert again.request_id == update.request_id
        assert again.response_request_id and again.response_request_id != update.request_id

        mine = admin.audit.list(actor_id=me.id, created_after=since, action="product.update")
        assert update.id in {r.id for r in mine}
        later = datetime.now(UTC) + timedelta(minutes=1)
        assert list(admin.audit.list(actor_id=me.id, created_after=later)) == []
        assert list(admin.audit.list(target_type="order", target_id=product.id)) == []

        with pytest.raises(NotFoundError):
            admin.audit.get(uuid.uuid4())
        with pytest.raises(UnprocessableEntityError):
            admin.audit.list(action="Not An Action")

        email = f"sdk-audit-{t}@example.com"
        admin.users.create(email=email, password=PASSWORD, name="Staff", role="staff")
        with Client(server_url) as member:
            member.auth.login(email=email, password=PASSWORD)
            with pytest.raises(PermissionDeniedError):
                member.audit.list()
            with pytest.raises(PermissionDeniedError):
                member.audit.get(update.id)


@pytest.mark.anyio
async def test_audit_async(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (admin_email, admin_password) = live
    async with AsyncClient(server_url) as admin:
        await admin.auth.login(email=admin_email, password=admin_password)
        t = tag()
        product = await admin.products.create(
            sku=f"AUDA-{t}", name="Async audited", price="2.00", category=f"auda-{t}"
        )
        await admin.products.update(product.id, status="archived")
        page = await admin.audit.list(target_id=product.id, limit=1)
        actions = [r.action async for r in page]
        assert actions == ["product.update", "product.create"]
        first = page.data[0]
        assert first.changes == {"status": {"before": "active", "after": "archived"}}
        assert (await admin.audit.get(first.id)).id == first.id
        with pytest.raises(NotFoundError):
            await admin.audit.get(uuid.uuid4())
