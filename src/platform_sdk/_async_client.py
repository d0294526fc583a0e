from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from ._auth import AuthState
from ._base_client import (
    DEFAULT_TIMEOUT,
    KEEP,
    REFRESH_SPEC,
    STREAM_RECONNECT_DELAYS,
    AnyCall,
    BaseClient,
    Refresh,
    _Keep,
    with_last_event_id,
)
from ._endpoints import Call, EndpointSpec, PageCall, StreamCall
from ._pagination import AsyncPage
from ._resources import Resources
from ._response import APIResponse
from ._retry import RetryPolicy
from ._sse import SSEDecoder
from ._types import Async, AsyncRaw, Timeout
from .errors import AuthenticationError

if TYPE_CHECKING:
    import asyncio

    from .models import TokenPair


async def _sleep(seconds: float) -> None:
    # asyncio is imported on first use: it costs ~40 ms, a third of ``import platform_sdk``.
    import asyncio

    await asyncio.sleep(seconds)


class AsyncClient(BaseClient, Resources[Async]):
    """Asynchronous (asyncio) client of the Platform API; see :class:`Client`."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        on_tokens_refreshed: Callable[[TokenPair], None] | None = None,
        _auth: AuthState | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            access_token=access_token,
            refresh_token=refresh_token,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            default_headers=default_headers,
            on_tokens_refreshed=on_tokens_refreshed,
            auth=_auth,
        )
        Resources.__init__(self, self, raw=False)
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=timeout)
        self._sleep: Callable[[float], Awaitable[None]] = _sleep

    @cached_property
    def with_raw_response(self) -> Resources[AsyncRaw]:
        """The same methods, returning :class:`APIResponse` (status, headers, ``parse()``)."""
        return Resources(self, raw=True)

    def with_options(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        timeout: Timeout | _Keep = KEEP,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        default_headers: Mapping[str, str] | None = None,
        on_tokens_refreshed: Callable[[TokenPair], None] | None = None,
    ) -> Self:
        """A copy with some settings changed, sharing this client's connection pool.

        Without new credentials the copy also shares this client's tokens, so a refresh
        through either is seen by both. Closing the copy leaves the pool open.
        """
        copy = type(self)(
            http_client=self._http,
            **self._copy_kwargs(
                base_url=base_url,
                api_key=api_key,
                access_token=access_token,
                refresh_token=refresh_token,
                timeout=timeout,
                max_retries=max_retries,
                retry=retry,
                default_headers=default_headers,
                on_tokens_refreshed=on_tokens_refreshed,
            ),
        )
        copy._sleep = self._sleep
        return copy

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
        return self._execute_async(spec, call, raw=raw)

    async def _execute_async(
        self, spec: EndpointSpec, call: Call[Any] | PageCall[Any], *, raw: bool
    ) -> Any:
        if isinstance(call, Call) and call.auth_effect == "rotate":
            async with self._refresh_lock():
                call = self._with_stored_refresh_token(call)
                response = await self._send(spec, call)
        else:
            response = await self._send(spec, call)
        if isinstance(call, PageCall):
            page_call = call

            def result() -> Any:
                items, cursor = self._parse_page(page_call, response)
                return AsyncPage(
                    items,
                    cursor,
                    lambda next_cursor: self._execute_async(
                        spec, page_call.for_cursor(next_cursor), raw=False
                    ),
                    request_id=response.headers.get("x-request-id"),
                )
        else:
            single_call = call

            def result() -> Any:
                return self._parse(single_call, response)

        return APIResponse(response, result) if raw else result()

    def _stream(self, spec: EndpointSpec, call: StreamCall[Any]) -> AsyncIterator[Any]:
        return self._astream(spec, call)

    async def _astream(self, spec: EndpointSpec, call: StreamCall[Any]) -> AsyncIterator[Any]:
        last_id, failures = call.last_event_id, 0
        while True:
            response = await self._send(spec, with_last_event_id(call, last_id), stream=True)
            decoder = SSEDecoder(last_id)
            try:
                async for line in response.aiter_lines():
                    event = decoder.feed(line)
                    # Also moved by an `id:` without data: the server's resume point.
                    last_id = decoder.last_event_id
                    if event is not None:
                        failures = 0
                        yield call.item(json.loads(event.data))
            except httpx.TransportError:
                pass  # dropped: reconnect below, resuming after the last event seen
            finally:
                await response.aclose()
            await self._sleep(
                STREAM_RECONNECT_DELAYS[min(failures, len(STREAM_RECONNECT_DELAYS) - 1)]
            )
            failures += 1

    async def _send(
        self, spec: EndpointSpec, call: AnyCall, *, stream: bool = False
    ) -> httpx.Response:
        attempt = self._start(spec, call)
        while True:
            if spec.authenticated and not attempt.refreshed and self._auth.needs_refresh():
                attempt.refreshed = True
                await self._refresh(stale_access_token=self._auth.access_token)
            request = self._build_request(attempt, self._http)
            try:
                response = await self._http.send(request, stream=stream)
                if stream and response.status_code >= 400:
                    await response.aread()  # the error body is read to be reported
            except httpx.RequestError as exc:
                await self._sleep(self._after_error(attempt, request, exc))
                continue
            decision = self._after_response(attempt, response)
            if decision is None:
                self._apply_auth_effect(call, response)
                return response
            await response.aclose()
            if isinstance(decision, Refresh):
                attempt.refreshed = True
                await self._refresh(stale_access_token=attempt.bearer)
            else:
                await self._sleep(decision)

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
