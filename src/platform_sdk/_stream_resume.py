"""Following a Server-Sent Events stream across connections: where to resume, and how
long to wait before reconnecting. Shared by the sync and async clients."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Final

import httpx

from ._endpoints import StreamCall
from ._sse import SSEDecoder

# A stream is idle between events; the server sends a comment every 15 seconds.
STREAM_TIMEOUT: Final = httpx.Timeout(10.0, read=45.0)
# Pauses before reconnecting a dropped stream, the last one repeated.
STREAM_RECONNECT_DELAYS: Final = (0.5, 1.0, 2.0, 5.0, 10.0)


def with_last_event_id(call: StreamCall[Any], last_id: str | None) -> StreamCall[Any]:
    options = dict(call.options)
    options.setdefault("timeout", STREAM_TIMEOUT)
    if last_id is not None:
        options["extra_headers"] = {
            **(options.get("extra_headers") or {}),
            "Last-Event-ID": last_id,
        }
    return dataclasses.replace(call, options=options)


class Resumption:
    """A followed stream across its connections: the decoder of the current one, the last
    event id (to resume after) and how many connections in a row failed."""

    def __init__(self, call: StreamCall[Any]) -> None:
        self._call = call
        self._decoder = SSEDecoder(call.last_event_id)
        self._failures = 0

    def next_call(self) -> StreamCall[Any]:
        """The call of the next connection, resuming after the last event seen."""
        # Also moved by an `id:` without data: the server's resume point.
        self._decoder = SSEDecoder(self._decoder.last_event_id)
        return with_last_event_id(self._call, self._decoder.last_event_id)

    def items(self, line: str) -> list[Any]:
        """The item completed by this line of the stream, if any."""
        event = self._decoder.feed(line)
        if event is None:
            return []
        self._failures = 0
        return [self._call.item(json.loads(event.data))]

    def reconnect_delay(self) -> float:
        delay = STREAM_RECONNECT_DELAYS[min(self._failures, len(STREAM_RECONNECT_DELAYS) - 1)]
        self._failures += 1
        return delay
