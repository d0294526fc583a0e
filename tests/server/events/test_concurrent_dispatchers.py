"""Several dispatchers on one database (several API processes, or workers): every event is
published once, in one gap-free order, and every queued send is claimed by one of them."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from platform_server.core.database import Database, utcnow
from platform_server.core.delivery import claim
from platform_server.core.settings import Settings
from platform_server.events import service as events
from platform_server.events.dispatcher import Dispatcher
from platform_server.events.models import Event
from platform_server.events.schemas import EventOut
from platform_server.notifications.models import Notification
from tests import servers


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    with servers.test_database(tmp_path) as url:
        settings = servers.make_settings(tmp_path, url)
        servers.prepare_database(settings)
        yield settings


async def _record_events(db: Database, count: int) -> None:
    for start in range(0, count, 50):
        async with db.transaction() as session:
            for i in range(start, min(start + 50, count)):
                await events.record(session, "product.updated", "product", uuid.uuid4(), {"i": i})


def test_concurrent_publishers_hand_out_each_position_once(settings: Settings) -> None:
    forwarded: list[uuid.UUID] = []

    async def forward(_session: object, batch: list[EventOut]) -> None:
        forwarded.extend(e.id for e in batch)
        await asyncio.sleep(0)  # let the others run while this transaction is open

    async def go() -> list[int]:
        dbs = [Database(settings) for _ in range(3)]
        try:
            await _record_events(dbs[0], 300)
            publishers = [
                Dispatcher(db, settings, publish=True, forward=forward, senders=[]) for db in dbs
            ]
            await asyncio.gather(*(p.publish_pending() for p in publishers))
            async with dbs[0].transaction(write=False) as session:
                positions = list(await session.scalars(select(Event.position)))
            return [p for p in positions if p is not None]
        finally:
            for db in dbs:
                await db.dispose()

    positions = asyncio.run(go())
    assert sorted(positions) == list(range(1, 301))
    assert len(forwarded) == 300
    assert Counter(forwarded).most_common(1)[0][1] == 1


def test_concurrent_claims_never_take_the_same_row(settings: Settings) -> None:
    async def go() -> list[uuid.UUID]:
        dbs = [Database(settings) for _ in range(3)]
        try:
            async with dbs[0].transaction() as session:
                for i in range(60):
                    session.add(
                        Notification(
                            channel="email",
                            recipient=f"r{i}@example.com",
                            template="welcome",
                            body_text="hi",
                            status=Notification.PENDING,
                            attempts=0,
                            retry_base=0,
                            next_attempt_at=utcnow(),
                        )
                    )

            async def take(db: Database) -> list[uuid.UUID]:
                taken: list[uuid.UUID] = []
                while True:
                    async with db.transaction() as session:
                        rows = await claim(
                            session,
                            Notification,
                            lease_seconds=60,
                            limit=7,
                            recipient=Notification.recipient,
                        )
                        await asyncio.sleep(0.01)  # hold the claim open a moment
                    if not rows:
                        return taken
                    taken.extend(r.id for r in rows)

            results = await asyncio.gather(*(take(db) for db in dbs))
            return [row_id for taken in results for row_id in taken]
        finally:
            for db in dbs:
                await db.dispose()

    claimed = asyncio.run(go())
    assert len(claimed) == 60
    assert len(set(claimed)) == 60
