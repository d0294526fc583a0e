"""Cursor pages. Iterating a page walks every item of every later page, one page in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")
F = TypeVar("F")  # what fetching the next page returns

_LAST_PAGE = "this is the last page; check has_next_page() first"


class _Page(Generic[T, F]):
    def __init__(
        self,
        data: list[T],
        next_cursor: str | None,
        fetch: Callable[[str], F],
        request_id: str | None = None,
    ) -> None:
        self.data = data
        self.next_cursor = next_cursor
        self.request_id = request_id
        self._fetch = fetch

    def has_next_page(self) -> bool:
        return self.next_cursor is not None

    def _next_cursor(self) -> str:
        if self.next_cursor is None:
            raise RuntimeError(_LAST_PAGE)
        return self.next_cursor

    def __repr__(self) -> str:
        return f"{type(self).__name__}(items={len(self.data)}, next_cursor={self.next_cursor!r})"


class SyncPage(_Page[T, "SyncPage[T]"]):
    def next_page(self) -> SyncPage[T]:
        """The following page, requested with the same filters and options."""
        return self._fetch(self._next_cursor())

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        page = self
        yield page
        while page.next_cursor is not None:
            page = page.next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_Page[T, Awaitable["AsyncPage[T]"]]):
    async def next_page(self) -> AsyncPage[T]:
        """The following page, requested with the same filters and options."""
        return await self._fetch(self._next_cursor())

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        page = self
        yield page
        while page.next_cursor is not None:
            page = await page.next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator(Generic[T]):
    """What an async list call returns: ``await`` it for the first page, or ``async for``
    over it for every item of every page (as the Stainless SDKs do)::

        page = await client.users.list(limit=50)     # AsyncPage[User]
        async for user in client.users.list():       # User, page after page
            ...

    Nothing is requested until it is awaited or iterated; each of those sends the first
    request again (the paginator is a recipe, not a result).
    """

    def __init__(self, first_page: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._get().__await__()

    async def _get(self) -> AsyncPage[T]:
        return await self._first_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._first_page()
        async for item in page:
            yield item

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
