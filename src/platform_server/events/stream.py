"""Server-Sent Events: tail the published stream by position, resumable by event id.

Every stream of a process reads through its one `Tail` (`tail.py`)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence

from fastapi import Request

from platform_server.core.container import services_of
from platform_server.core.database import Database
from platform_server.core.errors import Unprocessable
from platform_server.events import repository
from platform_server.events.dispatcher import DISPATCHER

HEARTBEAT_SECONDS = 15.0
# Other API processes publish too; their events are found by this poll at the latest.
POLL_SECONDS = 1.0


async def resume_position(db: Database, last_event_id: str | None) -> int:
    """Where a stream starts: after the given event, or at the current end."""
    async with db.transaction(write=False) as session:
        if not last_event_id:
            return await repository.last_position(session)
        try:
            event_id = uuid.UUID(last_event_id)
        except ValueError:
            raise _unknown(last_event_id) from None
        position = await repository.position_of(session, event_id)
    if position is None:
        raise _unknown(last_event_id)
    return position


def _unknown(value: str) -> Unprocessable:
    return Unprocessable(
        f"Last-Event-ID {value!r} names no published event; reconnect without it.",
        errors=[{"loc": ["header", "last-event-id"], "msg": "unknown event id"}],
    )


async def event_stream(request: Request, position: int, types: Sequence[str]) -> AsyncIterator[str]:
    services = services_of(request)
    db, published = services.db, services.get(DISPATCHER).published
    loop = asyncio.get_running_loop()
    last_sent = loop.time()
    yield ": connected\n\n"
    if position:
        # The resume point, before any event: a client that loses the connection before
        # the first event reconnects from here instead of from a later "now".
        async with db.transaction(write=False) as session:
            start_id = await repository.id_at(session, position)
        if start_id is not None:
            yield f"id: {start_id}\n\n"
    tail = services.get(DISPATCHER).tail
    async with tail.following(db, published, POLL_SECONDS):
        while not await request.is_disconnected():
            seen = tail.news.generation
            texts, position = await tail.read(db, position, types)
            for text in texts:
                yield text
            if texts:
                last_sent = loop.time()
                continue
            if loop.time() - last_sent >= HEARTBEAT_SECONDS:
                last_sent = loop.time()
                yield ": keep-alive\n\n"
            # Woken by the tail when it read news, else for the next heartbeat.
            quiet = HEARTBEAT_SECONDS - (loop.time() - last_sent)
            await tail.news.wait(max(quiet, 0.0), unless_since=seen)
