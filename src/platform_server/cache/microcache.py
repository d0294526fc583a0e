"""A bounded, short-lived, in-process store: response bodies, verified callers.

What `SharedCache` uses when no Redis is configured: right for one process only
(another process's writes cannot clear it), which is why `platform server run
--workers N` without Redis turns the catalog cache off. `auth/caller_cache.py`
keeps verified callers in one too.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class MicroCache(Generic[V]):
    """At most `max_entries` values (the least recently stored go first), each kept for
    `ttl_seconds` or less; a TTL of 0 keeps nothing."""

    def __init__(self, ttl_seconds: float, max_entries: int = 2048) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        # key -> (monotonic deadline, value)
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def get(self, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        until, value = entry
        if time.monotonic() >= until:
            self._entries.pop(key, None)
            return None
        return value

    def put(self, key: str, value: V, *, seconds: float | None = None) -> None:
        """Keeps `value` for the TTL, or for `seconds` when that is shorter."""
        if not self.enabled:
            return
        keep = self.ttl if seconds is None else min(self.ttl, seconds)
        if keep <= 0:
            return
        self._entries[key] = (time.monotonic() + keep, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
