from __future__ import annotations

from collections.abc import AsyncIterator
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from ._base_client import REFRESH_SPEC, AnyCall, BaseClient, Refresh
from ._endpoints import Call, EndpointSpec, PageCall, StreamCall
from ._files import Download, Downloaded, redirect_target, save_async
from ._pagination import AsyncPage, AsyncPaginator
from ._resources import Resources
from ._stream_resume import Resumption
from ._types import Async, AsyncRaw
from .errors import AuthenticationError, make_status_error

if TYPE_CHECKING:
    import asyncio


async def _asyncio_sleep(seconds: float) -> None:
    # asyncio is imported on first use: it costs ~40 ms, a third of ``import platform_sdk``.
    import asyncio

    await asyncio.sleep(seconds)


class AsyncClient(BaseClient[httpx.AsyncClient], Resources[Async]):
    """Asynchronous (asyncio) client of the Platform API; see :class:`Client`."""

    _sleep = staticmethod(_asyncio_sleep)

    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout)

    @cached_property
    def with_raw_response(self) -> Resources[AsyncRaw]:
        """The same methods, returning :class:`APIResponse` (status, headers, ``parse()``)."""
        return Resources(self, raw=True)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- running calls -------------------------------------------------------------------

    def _execute(self, spec: EndpointSpec, call: Call[Any] | PageCall[Any], *, raw: bool) -> Any:
        if isinstance(call, PageCall) and not raw:
            # Awaitable (the first page) and async-iterable (every item) alike.
            return AsyncPaginator(lambda: self._execute_async(spec, call, raw=False))
        return self._execute_async(spec, call, raw=raw)

    async def _execute_async(
        self, spec: EndpointSpec, call: Call[Any] | PageCall[Any], *, raw: bool
    ) -> Any:
        if isinstance(call, Call) and call.download is not None:
            return await self._download(spec, call, call.download)
        if isinstance(call, Call) and call.auth_effect == "rotate":
            async with self._refresh_lock():
                call = self._with_stored_refresh_token(call)
                response = await self._send(spec, call)
        else:
            response = await self._send(spec, call)
        return self._result(spec, call, response, raw=raw, page=AsyncPage, fetch=self._next_page)

    async def _download(self, spec: EndpointSpec, call: Call[Any], target: Download) -> Downloaded:
        response = await self._send(spec, call, stream=True)
        try:
            elsewhere = redirect_target(response)
            if elsewhere is None:
                return await save_async(response, target)
        finally:
            await response.aclose()
        # A presigned URL (S3): fetched as it is, without this client's credentials.
        async with self._http.stream("GET", elsewhere, timeout=self.timeout) as direct:
            if direct.status_code >= 400:
                await direct.aread()
                raise make_status_error(direct)
            return await save_async(direct, target)

    async def _next_page(self, spec: EndpointSpec, call: PageCall[Any]) -> Any:
        return await self._execute_async(spec, call, raw=False)

    def _stream(self, spec: EndpointSpec, call: StreamCall[Any]) -> AsyncIterator[Any]:
        return self._astream(spec, call)

    async def _astream(self, spec: EndpointSpec, call: StreamCall[Any]) -> AsyncIterator[Any]:
        where = Resumption(call)
        while True:
            response = await self._send(spec, where.next_call(), stream=True)
            try:
                async for line in response.aiter_lines():
                    for item in where.items(line):
                        yield item
            except httpx.TransportError:
                pass  # dropped: reconnect below, resuming after the last event seen
            finally:
                await response.aclose()
            await self._sleep(where.reconnect_delay())

    async def _send(
        self, spec: EndpointSpec, call: AnyCall, *, stream: bool = False
    ) -> httpx.Response:
        attempt = self._start(spec, call)
        while True:
            if spec.authenticated and not attempt.refreshed and self._auth.needs_refresh():
                attempt.refreshed = True
                await self._refresh(stale_access_token=self._auth.access_token)
            request = self._build_request(attempt)
            try:
                response = await self._http.send(request, stream=stream)
                if stream and response.status_code >= 400:
                    await response.aread()  # the error body is read to be reported
            except httpx.RequestError as exc:
                await self._sleep(self._after_error(attempt, request, exc))
                self._waited(attempt)
                continue
            decision = self._after_response(attempt, response)
            if decision is None:
                return response
            await response.aclose()
            if isinstance(decision, Refresh):
                attempt.refreshed = True
                await self._refresh(stale_access_token=attempt.bearer)
            else:
                await self._sleep(decision)
                self._waited(attempt)

    def _refresh_lock(self) -> asyncio.Lock:
        # Shared through AuthState so with_options copies refresh one at a time too.
        if self._auth.async_lock is None:
            import asyncio

            self._auth.async_lock = asyncio.Lock()
        return self._auth.async_lock

    async def _refresh(self, *, stale_access_token: str | None) -> None:
        async with self._refresh_lock():
            if self._should_skip_refresh(stale_access_token):
                return
            try:
                await self._send(REFRESH_SPEC, self._refresh_call())
            except AuthenticationError:
                self._auth.refresh_token = None
                raise
