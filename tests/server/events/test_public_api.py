"""The messaging domains' public interfaces (`events.api`, `notifications.api`,
`webhooks.api`): what other domains call hands back typed values, never ORM rows."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_server.core.database import Database, utcnow
from platform_server.core.settings import Settings
from platform_server.core.timeseries import Counts, Hours
from platform_server.events import api as events
from platform_server.notifications import api as notifications
from platform_server.notifications.models import Notification
from platform_server.webhooks import api as webhooks
from tests import servers


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    with servers.test_database(tmp_path) as url:
        settings = servers.make_settings(tmp_path, url)
        servers.prepare_database(settings)
        yield settings


def test_recorded_events_are_published_as_event_values(settings: Settings) -> None:
    ids = [uuid.uuid4(), uuid.uuid4()]

    async def go() -> tuple[list[events.EventOut], list[events.EventOut]]:
        db = Database(settings)
        try:
            async with db.transaction() as session:
                await events.record(session, "user.created", "user", ids[0], {"n": 1})
                await events.record_many(session, "product.updated", "product", [(ids[1], {})])
            async with db.transaction() as session:
                first = await events.publish_batch(session, 10)
            async with db.transaction() as session:
                again = await events.publish_batch(session, 10)
            return first, again
        finally:
            await db.dispose()

    published, again = asyncio.run(go())
    assert [type(e) for e in published] == [events.EventOut, events.EventOut]
    assert [(e.type, e.resource_id) for e in published] == [
        ("user.created", str(ids[0])),
        ("product.updated", str(ids[1])),
    ]
    assert [e.position for e in published] == [1, 2]
    assert published[0].data == {"n": 1}
    assert all(e.type in events.EVENT_TYPES for e in published)
    assert again == []  # each event is published once


def test_failed_counts_are_counts_of_each_domain(settings: Settings) -> None:
    async def go() -> tuple[Counts, Counts]:
        db = Database(settings)
        try:
            async with db.transaction() as session:
                now = utcnow()
                session.add(
                    Notification(
                        channel="email",
                        recipient="a@example.test",
                        template="welcome",
                        body_text="hi",
                        status="failed",
                        attempts=3,
                        retry_base=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
            async with db.transaction(write=False) as session:
                buckets = Hours.ending_at(utcnow(), 3)
                failed = await notifications.failed_counts(session, buckets)
                deliveries = await webhooks.failed_delivery_counts(session, buckets)
            return failed, deliveries
        finally:
            await db.dispose()

    failed, deliveries = asyncio.run(go())
    assert failed == Counts(1, [0, 0, 1])
    assert deliveries == Counts(0, [0, 0, 0])
