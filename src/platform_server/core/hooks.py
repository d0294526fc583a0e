"""In-process hooks: how one domain reacts to another's change inside the same transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Handler = Callable[..., Awaitable[None]]


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Handler] = []

    def connect(self, handler: Handler) -> Handler:
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    async def emit(self, *args: Any, **kwargs: Any) -> None:
        for handler in self._handlers:
            await handler(*args, **kwargs)
