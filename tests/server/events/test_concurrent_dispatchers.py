"""Several dispatchers on one database (several API processes, or workers): every event is
published once, in one gap-free order, every queued send is claimed by one of them, and a
send's outcome is recorded only while its claim still owns the row."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.database import Database, utcnow
from platform_server.core.settings import Settings
from platform_server.delivery import FAILED, claim
from platform_server.events import api as events
from platform_server.events.dispatcher import Dispatcher
from platform_server.events.models import Event
from platform_server.events.schemas import EventOut
from platform_server.notifications.models import Notification
from platform_server.notifications.sender import NotificationSender, _Job
from tests import servers


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    with servers.test_database(tmp_path) as url:
        settings = servers.make_settings(tmp_path, url)
        servers.prepare_database(settings)
        yield settings


def _job(row: Row[Any], attempt: int) -> _Job:
    return _Job(
        id=row.id,
        channel="email",
        recipient=row.recipient,
        subject=None,
        text="hi",
        html=None,
        attempt=attempt,
        retry_base=0,
    )


async def _claim(session: AsyncSession, limit: int) -> list[Row[Any]]:
    return await claim(
        session, Notification, lease_seconds=60, limit=limit, recipient=Notification.recipient
    )


def _queued(recipient: str) -> Notification:
    return Notification(
        channel="email",
        recipient=recipient,
        template="welcome",
        body_text="hi",
        status=Notification.PENDING,
        attempts=0,
        retry_base=0,
        next_attempt_at=utcnow(),
    )


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
                    session.add(_queued(f"r{i}@example.com"))

            async def take(db: Database) -> list[uuid.UUID]:
                taken: list[uuid.UUID] = []
                while True:
                    async with db.transaction() as session:
                        rows = await _claim(session, limit=7)
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


def test_settle_records_outcomes_and_leaves_rows_claimed_again(settings: Settings) -> None:
    settings = settings.model_copy(update={"notification_retry_seconds": [30.0]})

    async def go() -> dict[str, Notification]:
        db = Database(settings)
        sender = NotificationSender(db, settings)
        try:
            async with db.transaction() as session:
                for name in ("sent", "retried", "failed", "taken"):
                    session.add(_queued(f"{name}@example.com"))
            async with db.transaction() as session:
                rows = await _claim(session, limit=10)
            assert [row.attempt for row in rows] == [1, 1, 1, 1]
            jobs = {row.recipient.split("@")[0]: row for row in rows}
            async with db.transaction() as session:
                # The lease of "taken" ran out and another process claimed it again.
                await session.execute(
                    update(Notification)
                    .where(Notification.id == jobs["taken"].id)
                    .values(attempts=2)
                )
                # "failed" is on its last attempt: the schedule has one step.
                await session.execute(
                    update(Notification)
                    .where(Notification.id == jobs["failed"].id)
                    .values(attempts=2, retry_base=0)
                )
            batch = [
                _job(jobs["sent"], 1),
                _job(jobs["retried"], 1),
                _job(jobs["failed"], 2),
                _job(jobs["taken"], 1),
            ]
            await sender._settle(batch, [None, "SMTP 451", "SMTP 550", None])
            async with db.transaction(write=False) as session:
                found = await session.scalars(select(Notification))
                return {row.recipient.split("@")[0]: row for row in found}
        finally:
            await sender.close()
            await db.dispose()

    rows = asyncio.run(go())
    assert rows["sent"].status == Notification.DONE
    assert rows["sent"].sent_at is not None
    assert rows["sent"].locked_until is None
    assert rows["retried"].status == Notification.PENDING
    assert rows["retried"].last_error == "SMTP 451"
    assert rows["retried"].next_attempt_at is not None
    assert rows["retried"].locked_until is None
    assert rows["failed"].status == FAILED
    assert rows["failed"].last_error == "SMTP 550"
    assert rows["failed"].next_attempt_at is None
    # Its new owner settles it: this stale outcome changed nothing.
    assert rows["taken"].status == Notification.PENDING
    assert rows["taken"].sent_at is None
    assert rows["taken"].locked_until is not None
