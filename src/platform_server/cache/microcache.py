"""A bounded, short-lived, in-process store of response bodies.

What `SharedCache` uses when no Redis is configured: right for one process only
(another process's writes cannot clear it), which is why `platform server run
--workers N` without Redis turns the catalog cache off.
"""

from __future__ import annotations

import time
from collections import OrderedDict


class MicroCache:
    def __init__(self, ttl_seconds: float, max_entries: int = 2048) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, body = entry
        if time.monotonic() - stored_at > self.ttl:
            self._entries.pop(key, None)
            return None
        return body

    def put(self, key: str, body: bytes) -> None:
        if not self.enabled:
            return
        self._entries[key] = (time.monotonic(), body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
