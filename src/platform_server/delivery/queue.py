"""At-least-once delivery of queued work (notifications, webhook deliveries).

A row is claimed by setting a lease (`locked_until`) in a short transaction, sent
outside any transaction, then settled. A worker that dies mid-send leaves the
lease to run out, and the row is taken again: nothing is lost. On PostgreSQL the
claim skips rows other dispatchers hold, so two never send the same row at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Index,
    Integer,
    String,
    Text,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased, mapped_column

from platform_server import tracing
from platform_server.core.database import Base, Database, table_of, utcnow
from platform_server.core.timeseries import Counts, Hours, hourly_counts

FAILED = "failed"


class DeliveryMixin:
    # What the API calls waiting and done (notifications say queued and sent).
    PENDING: ClassVar[str] = "pending"
    DONE: ClassVar[str] = "succeeded"

    status: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Attempts made before the last manual retry: the backoff restarts from there.
    retry_base: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The source event's stream position and resource: deliveries of one resource to
    # one recipient go out in stream order, a later one waiting while an earlier is pending.
    # Claims find these through the partial indexes of pending rows (`pending_indexes`):
    # an index of every row's value would only add to each write.
    position: Mapped[int | None] = mapped_column(BigInteger)
    resource_key: Mapped[str | None] = mapped_column(String(120))
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()


def pending_indexes(table: str, pending: str, recipient: str) -> tuple[Index, ...]:
    """Indexes of the rows still to deliver only: the claim's scans stay as small as
    the backlog, however long the history of delivered rows grows."""
    where = text(f"status = '{pending}'")
    partial: dict[str, Any] = {"postgresql_where": where, "sqlite_where": where}
    return (
        Index(f"ix_{table}_due", "next_attempt_at", **partial),
        Index(f"ix_{table}_pending_order", "resource_key", recipient, "position", **partial),
    )


def is_pending(model: Any) -> ColumnElement[bool]:
    # The status as a literal, not a parameter: a prepared statement's generic plan
    # can use a partial index only when the query states its condition outright.
    return model.status == literal_column(f"'{model.PENDING}'")  # type: ignore[no-any-return]


def due(model: Any, now: Any) -> list[Any]:
    """Conditions of a row to send now (`now`: a time, or a bound parameter)."""
    return [
        is_pending(model),
        model.next_attempt_at <= now,
        or_(model.locked_until.is_(None), model.locked_until < now),
    ]


# The dispatcher asks these many times a second: each statement is built once, with the
# time as a parameter, instead of being put together (and hashed) on every round.
@functools.lru_cache(maxsize=16)
def _anything_due_statement(model: Any) -> Any:
    return select(exists().where(*due(model, bindparam("now"))))


@functools.lru_cache(maxsize=16)
def _claim_statement(
    model: Any, recipient_key: str, limit: int, where: Callable[[], Sequence[Any]] | None
) -> Any:
    earlier: Any = aliased(model)
    blocked = exists().where(
        is_pending(earlier),
        getattr(earlier, recipient_key) == getattr(model, recipient_key),
        earlier.resource_key == model.resource_key,
        earlier.position < model.position,
    )
    # Plain rows, not ORM objects: the dispatcher claims and settles every queued row.
    table = table_of(model)
    return (
        select(*table.c, (table.c.attempts + 1).label("attempt"))
        .where(*due(model, bindparam("now")), *(where() if where else ()), ~blocked)
        .order_by(model.next_attempt_at, model.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


@functools.lru_cache(maxsize=16)
def _lease_statement(model: Any) -> Any:
    table = table_of(model)
    return (
        update(table)
        .where(table.c.id.in_(bindparam("ids", expanding=True)))
        .values(locked_until=bindparam("until"), attempts=table.c.attempts + 1)
    )


async def anything_due(db: Database, model: Any) -> bool:
    """A read outside any transaction before a claim: an idle round never takes the
    (on SQLite, the only) write connection."""
    # Asked many times a second while idle: no trace of its own.
    with tracing.quiet():
        async with db.lookups() as session:
            found = await session.scalar(_anything_due_statement(model), {"now": utcnow()})
            return bool(found)


async def claim(
    session: AsyncSession,
    model: type[DeliveryMixin],
    *,
    lease_seconds: float,
    limit: int,
    recipient: Any,
    where: Callable[[], Sequence[Any]] | None = None,
) -> list[Row[Any]]:
    """Take up to `limit` due rows, longest due first, and lease them.

    Each row comes back as read, plus `attempt`: the number of this claim's attempt,
    which a settle must still find (else another claim owns the row now).
    `recipient` is the column naming who receives a row (endpoint, address): a row
    waits while an earlier row of the same resource to the same recipient is pending.
    `where` makes further conditions (a module-level function: the statement built
    with them is kept).
    """
    now = utcnow()
    table: Any = model  # a mapped class: hashable, as the statement cache needs
    stmt = _claim_statement(table, recipient.key, limit, where)
    rows = list((await session.execute(stmt, {"now": now})).all())
    if rows:
        until = now + timedelta(seconds=lease_seconds)
        await session.execute(
            _lease_statement(table), {"ids": [row.id for row in rows], "until": until}
        )
    return rows


def outcome_values(
    model: type[DeliveryMixin] | DeliveryMixin,
    *,
    attempt: int,
    retry_base: int,
    ok: bool,
    error: str | None,
    schedule: Sequence[float],
) -> dict[str, Any]:
    """The columns an attempt's end sets: success, a retry after the next backoff step,
    or failed after the last one."""
    if ok:
        return {"status": model.DONE, "last_error": None, "next_attempt_at": None}
    step = attempt - retry_base - 1
    if step < len(schedule):
        status, next_at = model.PENDING, utcnow() + timedelta(seconds=schedule[step])
    else:
        status, next_at = FAILED, None
    return {"status": status, "last_error": (error or "failed")[:2000], "next_attempt_at": next_at}


def settle(row: DeliveryMixin, *, ok: bool, error: str | None, schedule: Sequence[float]) -> None:
    """Record the end of the loaded row's current attempt."""
    values = outcome_values(
        row, attempt=row.attempts, retry_base=row.retry_base, ok=ok, error=error, schedule=schedule
    )
    row.locked_until = None
    row.status = values["status"]
    row.last_error = values["last_error"]
    row.next_attempt_at = values["next_attempt_at"]


def retry_now(row: DeliveryMixin) -> None:
    """A manual retry: one attempt at once, then the whole backoff schedule again."""
    row.status = row.PENDING
    row.retry_base = row.attempts
    row.next_attempt_at = utcnow()
    row.locked_until = None


async def failed_counts(session: AsyncSession, model: type[Base], buckets: Hours) -> Counts:
    """Rows now `failed` (each waits for a retry by hand), and how many of them failed
    in each hour of `buckets`: a failed row is last updated when it failed."""
    table = table_of(model)
    failed = table.c.status == FAILED
    total = await session.scalar(select(func.count()).select_from(table).where(failed))
    hourly = await hourly_counts(session, table.c.updated_at, buckets, failed)
    return Counts(int(total or 0), hourly)


@dataclass(frozen=True)
class DeliveryStates:
    """Rows still to deliver or given up on: `queued` wait for a first attempt,
    `retrying` wait after a failed one, `failed` spent every retry (dead-lettered)."""

    queued: int = 0
    retrying: int = 0
    failed: int = 0


async def state_counts(session: AsyncSession, model: type[DeliveryMixin]) -> DeliveryStates:
    """How many rows are queued, retrying and failed now (for `/metrics`)."""
    table = table_of(model)  # type: ignore[arg-type]
    tried = table.c.last_error.is_not(None)
    stmt = (
        select(table.c.status, tried, func.count())
        .where(table.c.status.in_([model.PENDING, FAILED]))
        .group_by(table.c.status, tried)
    )
    counts = {"queued": 0, "retrying": 0, "failed": 0}
    for status, was_tried, count in (await session.execute(stmt)).all():
        state = "failed" if status == FAILED else "retrying" if was_tried else "queued"
        counts[state] += int(count)
    return DeliveryStates(**counts)
