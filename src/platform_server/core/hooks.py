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


class Check:
    """A question other domains answer: true when any connected handler says so."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[..., Awaitable[bool]]] = []

    def connect(self, handler: Callable[..., Awaitable[bool]]) -> Callable[..., Awaitable[bool]]:
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    async def any(self, *args: Any) -> bool:
        for handler in self._handlers:
            if await handler(*args):
                return True
        return False
