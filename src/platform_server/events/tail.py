"""One reader of the published stream per process, shared by every SSE subscriber.

Each subscriber used to poll on its own: two queries every second, and one JSON
encoding of every event, per open stream; a thousand streams were a thousand
transactions a second on an idle system (`bench/connections_10k.py`). Now one task
per process, running while any stream is open, reads the stream's end (and what is
new) when the publisher fires and once per poll interval, keeps the latest events
formatted as SSE text, and wakes the streams only when there is news. A subscriber
further behind than what is kept (a resume from long ago) reads the database itself,
as before."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from platform_server.core.database import Database
from platform_server.events import repository
from platform_server.events.schemas import EventOut

KEEP = 1_000  # latest events held; older ones come from the database

logger = logging.getLogger("platform_server.events")


class Signal:
    """Wakes every waiter once per `fire`. `generation` counts the fires: a waiter that
    read it before looking for work waits only if nothing fired since."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.generation = 0

    def fire(self) -> None:
        self.generation += 1
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float, *, unless_since: int | None = None) -> None:
        if unless_since is not None and unless_since != self.generation:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)


def format_event(event: EventOut) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {event.model_dump_json()}\n\n"


@dataclass(frozen=True)
class Kept:
    position: int
    type: str
    text: str


class Tail:
    def __init__(self) -> None:
        self.news = Signal()  # the tail read new events
        self._lock = asyncio.Lock()
        self._kept: deque[Kept] = deque(maxlen=KEEP)
        self._start = 0  # `_kept` holds every event in (_start, _end]
        self._end: int | None = None  # None: not read yet
        self._streams = 0
        self._poller: asyncio.Task[None] | None = None

    @contextlib.asynccontextmanager
    async def following(self, db: Database, published: Signal, every: float) -> AsyncIterator[None]:
        """While a stream is open: the poller runs (one per process, whatever the count)."""
        self._streams += 1
        if self._poller is None or self._poller.done():
            self._poller = asyncio.create_task(self._poll(db, published, every), name="sse-tail")
        try:
            yield
        finally:
            self._streams -= 1
            if not self._streams:
                await self.close()

    async def close(self) -> None:
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller

    async def _poll(self, db: Database, published: Signal, every: float) -> None:
        while True:
            seen = published.generation
            try:
                if await self._refresh(db):
                    self.news.fire()
            except Exception:  # a failed read (database restarting) is retried next round
                logger.exception("reading the event stream failed")
            await published.wait(every, unless_since=seen)

    async def read(
        self, db: Database, position: int, types: Sequence[str]
    ) -> tuple[list[str], int]:
        """The SSE texts of events after `position` (of `types`, all when empty), at most
        a batch, and the position the subscriber has then seen up to."""
        if self._end is None:
            await self._refresh(db)
        if self._end is None or position < self._start:
            return await self._from_database(db, position, types)
        wanted = [
            k for k in self._kept if k.position > position and (not types or k.type in types)
        ][: repository.STREAM_BATCH]
        if len(wanted) == repository.STREAM_BATCH:
            return [k.text for k in wanted], wanted[-1].position
        return [k.text for k in wanted], max(self._end, position)

    async def _refresh(self, db: Database) -> bool:
        """Reads what was published since the last read; whether there was any."""
        async with self._lock, db.transaction(write=False) as session:
            # The end first: every position up to it is committed.
            end = await repository.last_position(session)
            if self._end is None or end - self._end > KEEP:
                self._kept.clear()
                news = self._end is not None
                self._start = self._end = end
                return news
            if end <= self._end:
                return False
            while self._end < end:
                batch = await repository.after_position(session, self._end, (), upto=end)
                for event in batch:
                    self._kept.append(Kept(event.position or 0, event.type, format_event(event)))
                self._end = (batch[-1].position or end) if batch else end
            if len(self._kept) == KEEP:  # the oldest fell out
                self._start = self._kept[0].position - 1
            return True

    @staticmethod
    async def _from_database(
        db: Database, position: int, types: Sequence[str]
    ) -> tuple[list[str], int]:
        async with db.transaction(write=False) as session:
            end = await repository.last_position(session)
            events = await repository.after_position(session, position, types, upto=end)
        if len(events) == repository.STREAM_BATCH:
            return [format_event(e) for e in events], events[-1].position or position
        return [format_event(e) for e in events], end
