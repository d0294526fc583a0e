"""One reader of the published stream per process, shared by every SSE subscriber.

Each subscriber used to poll on its own: two queries every second, and one JSON
encoding of every event, per open stream; a thousand streams were a thousand
transactions a second on an idle system (`bench/connections_10k.py`). The tail reads
the stream's end (and what is new) at most once per wake-up of the publisher and once
per poll interval, keeps the latest events formatted as SSE text, and hands every
subscriber its share from memory. A subscriber further behind than what is kept (a
resume from long ago) reads the database itself, as before."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from platform_server.core.database import Database
from platform_server.events import repository
from platform_server.events.schemas import EventOut

KEEP = 1_000  # latest events held; older ones come from the database


def format_event(event: EventOut) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {event.model_dump_json()}\n\n"


@dataclass(frozen=True)
class Kept:
    position: int
    type: str
    text: str


class Tail:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._kept: deque[Kept] = deque(maxlen=KEEP)
        self._start = 0  # `_kept` holds every event in (_start, _end]
        self._end: int | None = None  # None: not read yet
        self._read_at = float("-inf")
        self._generation = -1  # of the publisher's signal, when last read

    async def read(
        self, db: Database, position: int, types: Sequence[str], *, generation: int, every: float
    ) -> tuple[list[str], int]:
        """The SSE texts of events after `position` (of `types`, all when empty), at most
        a batch, and the position the subscriber has then seen up to. The database is
        read again when the publisher fired since (`generation`) or `every` seconds passed."""
        await self._refresh(db, generation, every)
        if self._end is None or position < self._start:
            return await self._from_database(db, position, types)
        wanted = [
            k for k in self._kept if k.position > position and (not types or k.type in types)
        ][: repository.STREAM_BATCH]
        if len(wanted) == repository.STREAM_BATCH:
            return [k.text for k in wanted], wanted[-1].position
        return [k.text for k in wanted], max(self._end, position)

    async def _refresh(self, db: Database, generation: int, every: float) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:
            if generation == self._generation and loop.time() - self._read_at < every:
                return
            # Taken before reading: whatever is published meanwhile is read next time.
            self._generation, self._read_at = generation, loop.time()
            async with db.transaction(write=False) as session:
                # The end first: every position up to it is committed.
                end = await repository.last_position(session)
                if self._end is None or end - self._end > KEEP:
                    self._kept.clear()
                    self._start = self._end = end
                    return
                while self._end < end:
                    batch = await repository.after_position(session, self._end, (), upto=end)
                    for event in batch:
                        self._kept.append(Kept(event.position or 0, event.type, format_event(event)))
                    self._end = (batch[-1].position or end) if batch else end
            if len(self._kept) == KEEP:  # the oldest fell out
                self._start = self._kept[0].position - 1

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
