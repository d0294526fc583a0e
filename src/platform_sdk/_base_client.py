"""What Client and AsyncClient share: configuration, request building, retry and refresh
decisions, error mapping and response parsing. The two subclasses only do the I/O."""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, Self, TypedDict, TypeVar, Unpack, cast

import httpx

from ._auth import AuthState
from ._endpoints import JSON, Call, EndpointSpec, Missing, PageCall, StreamCall
from ._files import multipart
from ._lazy import loaded
from ._logging import configure_from_env, loggable_url, logger
from ._response import APIResponse
from ._retry import RetryNotice, RetryPolicy, is_retryable_status
from ._serialize import json_body, query_params, render_path
from ._types import Timeout
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    NotFoundError,
    PlatformError,
    make_status_error,
    parse_retry_after,
)

if TYPE_CHECKING:
    from .models import TokenPair

DEFAULT_BASE_URL: Final = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0)
USER_AGENT: Final = f"platform-sdk-python/{__version__}"


# Sent by the client itself when the access token must be renewed (cf. ``auth.refresh``).
REFRESH_SPEC: Final = EndpointSpec("POST", "/api/v1/auth/refresh", authenticated=False)


class Refresh:
    """Decision after a 401: refresh the access token, then repeat the request."""


REFRESH: Final = Refresh()


@dataclass(slots=True)
class Attempt:
    """State of one logical call across its retries."""

    spec: EndpointSpec
    call: Call[Any] | PageCall[Any] | StreamCall[Any]
    idempotency_key: str | None
    retries: int = 0
    refreshed: bool = False
    bearer: str | None = None
    started: float = 0.0
    # The retry waited for now, told to ``on_retry`` once the wait is over.
    pending: RetryNotice | None = None


AnyCall = Call[Any] | PageCall[Any] | StreamCall[Any]


class ClientOptions(TypedDict, total=False):
    """Settings of ``Client``/``AsyncClient`` (see :class:`~platform_sdk.Client`)."""

    api_key: str | None
    access_token: str | None
    refresh_token: str | None
    timeout: Timeout
    max_retries: int | None
    retry: RetryPolicy | None
    default_headers: Mapping[str, str] | None
    user_agent: str | None
    on_tokens_refreshed: Callable[[TokenPair], None] | None
    on_retry: Callable[[RetryNotice], None] | None


H = TypeVar("H", httpx.Client, httpx.AsyncClient)


class BaseClient(Generic[H]):
    _sleep: Callable[[float], Any]
    """Replaceable so tests (and callers with their own scheduler) need not really sleep."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http_client: H | None = None,
        _auth: AuthState | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        configure_from_env()
        url = base_url or os.environ.get("PLATFORM_BASE_URL") or DEFAULT_BASE_URL
        self.base_url: str = url.rstrip("/")
        api_key = options.get("api_key")
        self._auth = _auth or AuthState(
            api_key=api_key if api_key is not None else os.environ.get("PLATFORM_API_KEY") or None,
            access_token=options.get("access_token"),
            refresh_token=options.get("refresh_token"),
            on_tokens_refreshed=options.get("on_tokens_refreshed"),
        )
        policy = options.get("retry") or RetryPolicy()
        max_retries = options.get("max_retries")
        if max_retries is not None:
            policy = dataclasses.replace(policy, max_retries=max_retries)
        self.retry_policy: RetryPolicy = policy
        self.timeout: Timeout = options.get("timeout", DEFAULT_TIMEOUT)
        self.default_headers: dict[str, str] = dict(options.get("default_headers") or {})
        # A program built on the SDK names itself first (`platform-cli/1.2`), so the
        # server's sessions list tells it from other scripts; the SDK's own name follows.
        self.user_agent: str | None = options.get("user_agent")
        self._user_agent = f"{self.user_agent} {USER_AGENT}" if self.user_agent else USER_AGENT
        self.on_retry: Callable[[RetryNotice], None] | None = options.get("on_retry")
        self._owns_http = http_client is None
        self._http: H = self._new_http() if http_client is None else http_client
        super().__init__()  # Resources: the client is the root of its resource tree

    def _new_http(self) -> H:
        """The connection pool of a client given none (``self.timeout`` is set)."""
        raise NotImplementedError

    def with_options(
        self, *, base_url: str | None = None, **changes: Unpack[ClientOptions]
    ) -> Self:
        """A copy with some settings changed, sharing this client's connection pool.

        Without new credentials the copy also shares this client's tokens, so a refresh
        through either is seen by both. Closing the copy leaves the pool open. ``None``
        keeps a setting, except ``timeout=None``, which means no timeout.
        """
        kept = {k: v for k, v in changes.items() if v is not None or k == "timeout"}
        options = cast(ClientOptions, {**self._settings(), **kept})
        new_credentials = any(k in kept for k in ("api_key", "access_token", "refresh_token"))
        copy = type(self)(
            base_url or self.base_url,
            http_client=self._http,
            _auth=None if new_credentials else self._auth,
            **options,
        )
        copy._sleep = self._sleep
        return copy

    def _settings(self) -> ClientOptions:
        return {
            "timeout": self.timeout,
            "retry": self.retry_policy,
            "default_headers": self.default_headers,
            "user_agent": self.user_agent,
            "on_tokens_refreshed": self._auth.on_tokens_refreshed,
            "on_retry": self.on_retry,
        }

    # -- credentials -------------------------------------------------------------------

    @property
    def api_key(self) -> str | None:
        return self._auth.api_key

    @property
    def access_token(self) -> str | None:
        return self._auth.access_token

    @property
    def refresh_token(self) -> str | None:
        """The current refresh token; it changes on every refresh, persist it from the hook."""
        return self._auth.refresh_token

    # -- building requests ---------------------------------------------------------------

    def _start(self, spec: EndpointSpec, call: AnyCall) -> Attempt:
        key: str | None = None
        if spec.creates:
            # One key per logical call, reused by every retry, so a retried create that
            # had in fact succeeded is replayed by the server instead of done twice.
            key = call.options.get("idempotency_key") or str(uuid.uuid4())
        return Attempt(spec, call, key)

    def _build_request(self, attempt: Attempt) -> httpx.Request:
        spec, call = attempt.spec, attempt.call
        # httpx.Headers: a header given again in another case replaces, never duplicates.
        headers = httpx.Headers({"User-Agent": self._user_agent})
        headers.update(self.default_headers)
        # The media type the call parses; a default header never changes what is parsed.
        headers["Accept"] = call.accept if isinstance(call, Call | StreamCall) else JSON
        attempt.bearer = self._auth.bearer() if spec.authenticated else None
        if attempt.bearer:
            headers["Authorization"] = f"Bearer {attempt.bearer}"
        if attempt.idempotency_key:
            headers["Idempotency-Key"] = attempt.idempotency_key
        content = call.content
        if content is None and call.body is not None:
            content = json_body(call.body)
        if content is not None:
            headers["Content-Type"] = "application/json"
        files = multipart(call.upload) if call.upload is not None else None
        headers.update(call.options.get("extra_headers") or {})
        paging = (
            {"limit": call.options.get("limit"), "cursor": call.options.get("cursor")}
            if isinstance(call, PageCall)
            else {}
        )  # PageOptions; a later page's cursor is in call.query
        query = {**paging, **call.query, **(call.options.get("extra_query") or {})}
        attempt.started = time.perf_counter()
        return self._http.build_request(
            spec.method,
            self.base_url + render_path(spec.path, call.path_params),
            params=httpx.QueryParams(query_params(query)),
            headers=headers,
            content=content,
            files=files,
            data=dict(call.upload.form) if call.upload is not None and call.upload.form else None,
            timeout=call.options.get("timeout", self.timeout),
        )

    def _with_stored_refresh_token(self, call: Call[Any]) -> Call[Any]:
        """``auth.refresh()`` without a token uses the one held, read under the refresh lock."""
        if call.body and call.body.get("refresh_token"):
            return call
        if self._auth.refresh_token is None:
            raise PlatformError("no refresh token: log in first or pass refresh_token=")
        return dataclasses.replace(call, body={"refresh_token": self._auth.refresh_token})

    def _refresh_call(self) -> Call[TokenPair]:
        from .models import TokenPair

        return Call(
            parse=TokenPair.model_validate,
            body={"refresh_token": self._auth.refresh_token},
            auth_effect="rotate",
        )

    # -- deciding what happens after an attempt ---------------------------------------------

    def _after_error(
        self, attempt: Attempt, request: httpx.Request, exc: httpx.RequestError
    ) -> float:
        """Delay before retrying a failed connection; raises when it is not retried."""
        error: APIConnectionError = (
            APITimeoutError(request=request)
            if isinstance(exc, httpx.TimeoutException)
            else APIConnectionError(
                f"Connection error: {type(exc).__name__}: {exc}", request=request
            )
        )
        logger.debug(
            "%s %s failed after %.0f ms: %s",
            request.method,
            loggable_url(request.url),
            _elapsed_ms(attempt),
            type(exc).__name__,
        )
        delay = self._retry_delay(attempt, request, None, reason=type(exc).__name__, status=None)
        if delay is None:
            raise error from exc
        return delay

    def _after_response(self, attempt: Attempt, response: httpx.Response) -> float | Refresh | None:
        """``None`` when done (the call's auth effect applied), ``REFRESH``, or a delay before
        retrying; raises API errors."""
        request = response.request
        logger.debug(
            "%s %s -> %d in %.0f ms (request %s)",
            request.method,
            loggable_url(request.url),
            response.status_code,
            _elapsed_ms(attempt),
            response.headers.get("x-request-id", "-"),
        )
        status = response.status_code
        if status < 400:
            self._apply_auth_effect(attempt.call, response)
            return None
        if status == 401 and self._may_refresh(attempt):
            return REFRESH
        error = make_status_error(response)
        if is_retryable_status(status):
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            delay = self._retry_delay(
                attempt, request, retry_after, reason=str(status), status=status
            )
            if delay is not None:
                return delay
        raise error

    def _may_refresh(self, attempt: Attempt) -> bool:
        return (
            attempt.spec.authenticated
            and not attempt.refreshed
            and self._auth.refresh_token is not None
        )

    def _retry_delay(
        self,
        attempt: Attempt,
        request: httpx.Request,
        retry_after: float | None,
        *,
        reason: str,
        status: int | None,
    ) -> float | None:
        policy = self.retry_policy
        if not attempt.spec.retryable or attempt.retries >= policy.max_retries:
            return None
        delay = policy.delay(attempt.retries + 1, retry_after)
        if delay is None:
            return None
        attempt.retries += 1
        attempt.pending = RetryNotice(
            method=request.method,
            url=loggable_url(request.url),
            status=status,
            reason=reason,
            waited=delay,
            retry=attempt.retries,
            max_retries=policy.max_retries,
        )
        logger.debug(
            "retrying %s %s in %.2f s (retry %d of %d) after %s",
            request.method,
            loggable_url(request.url),
            delay,
            attempt.retries,
            policy.max_retries,
            reason,
        )
        return delay

    def _waited(self, attempt: Attempt) -> None:
        """After a retry's wait: tells ``on_retry`` (a CLI prints how long it waited)."""
        notice, attempt.pending = attempt.pending, None
        if notice is None:
            return
        if notice.rate_limited:
            logger.info("rate limited: waited %.1f s before retrying %s", notice.waited, notice.url)
        if self.on_retry is not None:
            self.on_retry(notice)

    def _should_skip_refresh(self, stale_access_token: str | None) -> bool:
        """Inside the refresh lock: another call already refreshed, or nothing to refresh with."""
        current = self._auth.access_token
        if current is not None and current != stale_access_token:
            return True
        return self._auth.refresh_token is None

    def _result(
        self,
        spec: EndpointSpec,
        call: Call[Any] | PageCall[Any],
        response: httpx.Response,
        *,
        raw: bool,
        page: Callable[..., Any],
        fetch: Callable[[EndpointSpec, PageCall[Any]], Any],
    ) -> Any:
        """What a call returns: the parsed body, or a page (``page`` is the page class,
        ``fetch`` runs the call of the next page); under ``APIResponse`` when ``raw``."""

        def result() -> Any:
            if isinstance(call, Call):
                return self._parse(call, response)
            items, cursor = self._parse_page(call, response)
            request_id = response.headers.get("x-request-id")
            return page(items, cursor, lambda c: fetch(spec, call.for_cursor(c)), request_id)

        return APIResponse(response, result) if raw else result()

    # -- after a successful response --------------------------------------------------------

    def _apply_auth_effect(self, call: AnyCall, response: httpx.Response) -> None:
        if call.auth_effect is None:
            return
        if call.auth_effect == "clear":
            self._auth.clear_tokens()
            return
        from .models import TokenPair

        pair = TokenPair.model_validate(self._decode(response))
        self._auth.store(pair)
        if call.auth_effect == "rotate":
            logger.debug("access token refreshed")
            if self._auth.on_tokens_refreshed is not None:
                self._auth.on_tokens_refreshed(pair)

    def _decode(self, response: httpx.Response) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise APIResponseValidationError(
                "the server answered with a body that is not JSON", response=response
            ) from exc

    def _parse(self, call: Call[Any], response: httpx.Response) -> Any:
        body = self._decode(response) if call.accept == JSON else self._raw_body(call, response)
        try:
            result = call.parse(body)
        except Missing as missing:
            raise _not_found(response, str(missing)) from None
        except ValueError as exc:
            _raise_if_invalid(exc, response, "unexpected response body")
            raise
        _tag(result, response)
        return result

    def _raw_body(self, call: Call[Any], response: httpx.Response) -> bytes:
        content_type = response.headers.get("content-type", "")
        if not content_type.lower().startswith(call.accept):
            raise APIResponseValidationError(
                f"expected {call.accept}, the server answered {content_type or 'no content type'}",
                response=response,
            )
        return response.content

    def _parse_page(
        self, call: PageCall[Any], response: httpx.Response
    ) -> tuple[list[Any], str | None]:
        body = self._decode(response)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise APIResponseValidationError(
                "expected a page {data, next_cursor}", response=response
            )
        try:
            items = [call.item(raw) for raw in body["data"]]
        except ValueError as exc:
            _raise_if_invalid(exc, response, "unexpected item in page")
            raise
        for item in items:
            _tag(item, response)
        cursor = body.get("next_cursor")
        return items, cursor if isinstance(cursor, str) and cursor else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


def _raise_if_invalid(exc: ValueError, response: httpx.Response, what: str) -> None:
    """A pydantic ValidationError (a ValueError) becomes APIResponseValidationError.

    Checked without importing pydantic: a raw request parses no model and must not pay
    for loading it, and a ValidationError exists only if pydantic_core is loaded.
    """
    pydantic_core = loaded("pydantic_core")
    if pydantic_core is not None and isinstance(exc, pydantic_core.ValidationError):
        raise APIResponseValidationError(
            f"{what}: {exc.error_count()} validation errors", response=response
        ) from exc


def _tag(result: object, response: httpx.Response) -> None:
    base = loaded("platform_sdk.models._base")  # results of raw requests are no models
    if base is not None and isinstance(result, base.PlatformModel):
        result._request_id = response.headers.get("x-request-id")


def _elapsed_ms(attempt: Attempt) -> float:
    return (time.perf_counter() - attempt.started) * 1000


def _not_found(response: httpx.Response, detail: str) -> NotFoundError:
    """A lookup through a list filter that matched nothing, raised as the 404 a
    ``get`` by id gives (same class, same problem fields)."""
    problem = {
        "type": "/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "detail": detail,
        "request_id": response.headers.get("x-request-id"),
    }
    request_id = {"x-request-id": response.headers["x-request-id"]} if problem["request_id"] else {}
    answer = httpx.Response(404, json=problem, headers=request_id, request=response.request)
    return NotFoundError(response=answer, body=problem)
