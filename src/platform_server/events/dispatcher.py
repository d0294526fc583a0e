"""The loops that move events: publish the outbox, and send what subscribers queued.

Embedded (the default): each API process publishes and hands events to the
subscribers in the same transaction, then sends the queued notifications and
webhook deliveries itself. With a broker, API processes only publish (to RabbitMQ);
`platform worker run` processes consume, plan and send, so the two scale apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from platform_server import tracing
from platform_server.core.container import Slot
from platform_server.core.database import Database
from platform_server.core.settings import Settings
from platform_server.events import service
from platform_server.events.schemas import EventOut
from platform_server.events.tail import Signal, Tail
from platform_server.observability.metrics import EVENTS_PUBLISHED

logger = logging.getLogger("platform_server.events")

PUBLISH_BATCH = 200
GATHER_SECONDS = 0.1


class Sender(Protocol):
    """Sends one round of due rows (emails, webhook calls); returns how many it took."""

    async def run_once(self) -> int: ...

    async def close(self) -> None: ...


# Called inside the publishing transaction, before it commits.
Forward = Callable[[object, list[EventOut]], Awaitable[None]]


class Wakeup:
    """Wakes one loop; a wake that comes while the loop is busy is kept for its next
    wait, so work committed during a round is never left for the next poll."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()

    async def wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)
        self._event.clear()


class Dispatcher:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        publish: bool,
        forward: Forward | None,
        senders: Sequence[Sender],
    ) -> None:
        self.db = db
        self.settings = settings
        self.publish = publish
        self.forward = forward
        self.senders = list(senders)
        self.published = Signal()  # new positions exist (the SSE stream waits on this)
        self.tail = Tail()  # what every SSE stream of this process reads
        self._outbox = Wakeup()
        self._queued = Wakeup()
        self._tasks: list[asyncio.Task[None]] = []
        self._closers: list[Callable[[], Awaitable[None]]] = []

    def on_stop(self, close: Callable[[], Awaitable[None]]) -> None:
        self._closers.append(close)

    def wake(self) -> None:
        """Something was written: look at the outbox now rather than at the next poll."""
        self._outbox.fire()

    def queued(self) -> None:
        self._queued.fire()

    def start(self) -> None:
        if self.publish:
            self._tasks.append(asyncio.create_task(self._publish_forever(), name="publisher"))
        if self.senders:
            self._tasks.append(asyncio.create_task(self._send_forever(), name="senders"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.tail.close()
        for sender in self.senders:
            await sender.close()
        for close in self._closers:
            await close()

    async def publish_pending(self) -> int:
        """Publish until the outbox is empty; returns how many events went out."""
        total = 0
        while True:
            async with self.db.transaction() as session:
                with tracing.quiet():  # each event's own trace goes on in `_forward`
                    events = await service.publish_batch(session, PUBLISH_BATCH)
                if events and self.forward is not None:
                    await self._forward(self.forward, session, events)
            if events:
                total += len(events)
                EVENTS_PUBLISHED.inc(len(events))
                self.published.fire()
                self._queued.fire()
            # A short batch emptied the outbox: no need for another round to find that out.
            if len(events) < PUBLISH_BATCH:
                return total

    @staticmethod
    async def _forward(forward: Forward, session: object, events: list[EventOut]) -> None:
        if not tracing.enabled():
            await forward(session, events)
            return
        # Each event continues the trace of the request that wrote it.
        for event in events:
            carrier = {tracing.TRACEPARENT: event.trace_context} if event.trace_context else None
            with tracing.span(f"publish {event.type}", carrier, event_id=str(event.id)):
                await forward(session, [event])

    async def send_due(self) -> int:
        total = 0
        for sender in self.senders:
            total += await sender.run_once()
        return total

    async def _publish_forever(self) -> None:
        poll = self.settings.dispatch_poll_seconds
        while True:
            try:
                await self.publish_pending()
            except Exception:  # the database or broker may be down: try again later
                logger.exception("publishing events failed; retrying")
            await self._outbox.wait(poll)
            # Under load every commit wakes the publisher: a moment's pause gathers many
            # events into one publishing transaction instead of one each.
            await asyncio.sleep(GATHER_SECONDS)

    async def _send_forever(self) -> None:
        poll = self.settings.dispatch_poll_seconds
        while True:
            try:
                while await self.send_due():
                    pass
            except Exception:
                logger.exception("sending notifications or webhooks failed; retrying")
            await self._queued.wait(poll)
            await asyncio.sleep(GATHER_SECONDS)


# The API process's dispatcher, for the event stream to wait on what it publishes.
DISPATCHER: Slot[Dispatcher] = Slot("dispatcher")
