"""The synchronous client: only the I/O; everything else is in ``_base_client``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import cached_property
from types import TracebackType
from typing import Any, Self

import httpx

from ._base_client import REFRESH_SPEC, AnyCall, BaseClient, Refresh
from ._endpoints import Call, EndpointSpec, PageCall, StreamCall
from ._files import Download, Downloaded, redirect_target, save
from ._pagination import SyncPage
from ._resources import Resources
from ._stream_resume import Resumption
from ._types import Sync, SyncRaw
from .errors import AuthenticationError, make_status_error


class Client(BaseClient[httpx.Client], Resources[Sync]):
    """Synchronous client of the Platform API.

    ``base_url`` and ``api_key`` default to ``PLATFORM_BASE_URL`` and ``PLATFORM_API_KEY``.
    Pass ``access_token``/``refresh_token`` to resume a session; the access token is
    refreshed automatically and ``on_tokens_refreshed`` receives every new pair.
    Options: ``timeout``, ``max_retries``, ``retry`` (a ``RetryPolicy``), ``http_client``
    (an ``httpx.Client``, not closed by this client), ``default_headers``, ``user_agent``
    (your program's name, sent before the SDK's: ``myapp/1.0 platform-sdk-python/…``) and
    ``on_retry`` (called with a ``RetryNotice`` after each wait, e.g. to say a 429 was waited out).
    """

    _sleep = staticmethod(time.sleep)

    def _new_http(self) -> httpx.Client:
        return httpx.Client(timeout=self.timeout)

    @cached_property
    def with_raw_response(self) -> Resources[SyncRaw]:
        """The same methods, returning :class:`APIResponse` (status, headers, ``parse()``)."""
        return Resources(self, raw=True)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- running calls -------------------------------------------------------------------

    def _execute(self, spec: EndpointSpec, call: Call[Any] | PageCall[Any], *, raw: bool) -> Any:
        if isinstance(call, Call) and call.download is not None:
            return self._download(spec, call, call.download)
        if isinstance(call, Call) and call.auth_effect == "rotate":
            with self._auth.lock:
                call = self._with_stored_refresh_token(call)
                response = self._send(spec, call)
        else:
            response = self._send(spec, call)
        return self._result(spec, call, response, raw=raw, page=SyncPage, fetch=self._next_page)

    def _download(self, spec: EndpointSpec, call: Call[Any], target: Download) -> Downloaded:
        response = self._send(spec, call, stream=True)
        try:
            elsewhere = redirect_target(response)
            if elsewhere is None:
                return save(response, target)
        finally:
            response.close()
        # A presigned URL (S3): fetched as it is, without this client's credentials.
        with self._http.stream("GET", elsewhere, timeout=self.timeout) as direct:
            if direct.status_code >= 400:
                direct.read()
                raise make_status_error(direct)
            return save(direct, target)

    def _next_page(self, spec: EndpointSpec, call: PageCall[Any]) -> Any:
        return self._execute(spec, call, raw=False)

    def _stream(self, spec: EndpointSpec, call: StreamCall[Any]) -> Iterator[Any]:
        where = Resumption(call)
        while True:
            response = self._send(spec, where.next_call(), stream=True)
            try:
                for line in response.iter_lines():
                    yield from where.items(line)
            except httpx.TransportError:
                pass  # dropped: reconnect below, resuming after the last event seen
            finally:
                response.close()
            self._sleep(where.reconnect_delay())

    def _send(self, spec: EndpointSpec, call: AnyCall, *, stream: bool = False) -> httpx.Response:
        attempt = self._start(spec, call)
        while True:
            if spec.authenticated and not attempt.refreshed and self._auth.needs_refresh():
                attempt.refreshed = True
                self._refresh(stale_access_token=self._auth.access_token)
            request = self._build_request(attempt)
            try:
                response = self._http.send(request, stream=stream)
                if stream and response.status_code >= 400:
                    response.read()  # the error body is read to be reported
            except httpx.RequestError as exc:
                self._sleep(self._after_error(attempt, request, exc))
                self._waited(attempt)
                continue
            decision = self._after_response(attempt, response)
            if decision is None:
                return response
            response.close()
            if isinstance(decision, Refresh):
                attempt.refreshed = True
                self._refresh(stale_access_token=attempt.bearer)
            else:
                self._sleep(decision)
                self._waited(attempt)

    def _refresh(self, *, stale_access_token: str | None) -> None:
        with self._auth.lock:
            if self._should_skip_refresh(stale_access_token):
                return
            try:
                self._send(REFRESH_SPEC, self._refresh_call())
            except AuthenticationError:
                # The refresh token is dead (revoked, expired or reused); asking again is futile.
                self._auth.refresh_token = None
                raise
