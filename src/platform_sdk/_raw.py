"""``client.request`` and ``client.request_pages``: any endpoint, through the same machinery
as the resource methods (credentials and refresh, retries, typed errors, pagination).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack, cast

from ._endpoints import Call, EndpointSpec, HttpMethod, PageCall, Resource, any_path, any_path_pages
from ._serialize import json_body
from ._types import M, RequestOptions

API_PREFIX = "/api/v1/"


def _identity(body: Any) -> Any:
    return body


def _spec(
    method: str, path: str, headers: Mapping[str, str] | None, idempotency_key: str | None
) -> EndpointSpec:
    verb = cast(HttpMethod, method.upper())  # an unknown verb is the server's to refuse
    if not path.startswith("/"):
        path = API_PREFIX + path
    # Braces are literal here: the path is already rendered, not a template.
    path = path.replace("{", "{{").replace("}", "}}")
    # An Authorization header of the caller's is sent as given, never replaced or refreshed.
    authenticated = not any(name.lower() == "authorization" for name in headers or {})
    # Retrying a POST is safe only with an Idempotency-Key the server deduplicates on.
    creates = verb == "POST" and idempotency_key is not None
    return EndpointSpec(verb, path, creates=creates, authenticated=authenticated)


def _options(
    options: RequestOptions, headers: Mapping[str, str] | None, idempotency_key: str | None
) -> dict[str, Any]:
    merged: dict[str, Any] = dict(options)
    if headers:
        merged["extra_headers"] = {**headers, **(options.get("extra_headers") or {})}
    if idempotency_key is not None:
        merged["idempotency_key"] = idempotency_key
    return merged


class RawRequests(Resource[M]):
    @any_path
    def request(
        self,
        method: HttpMethod | str,
        path: str,
        *,
        params: Mapping[str, object] | None = None,
        json: object = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Any]:
        """Call any endpoint; returns the decoded JSON body (``None`` for an empty one).

        ``path`` is relative to ``/api/v1/`` (``"users/me"``) or absolute (``"/healthz"``).
        ``params`` become the query string (``None`` values are left out); ``json`` is sent
        as written (``None`` inside it is ``null``), ``content`` as raw bytes. Error answers
        raise the usual :class:`~platform_sdk.APIStatusError` subclasses. GET, PUT, DELETE,
        HEAD and OPTIONS are retried like every call; a POST only with ``idempotency_key``.
        ``client.with_raw_response.request(...)`` gives the status, headers and raw body.
        """
        return Call(
            parse=_identity,
            spec=_spec(method, path, headers, idempotency_key),
            query=dict(params or {}),
            content=content if content is not None or json is None else _encode(json),
            options=_options(options, headers, idempotency_key),
        )

    @any_path_pages
    def request_pages(
        self,
        method: HttpMethod | str,
        path: str,
        *,
        params: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[Any]:
        """Like :meth:`request` for an endpoint answering ``{data, next_cursor}`` pages.

        Returns the first page (items as decoded JSON); iterating it walks every item of
        every page, following ``next_cursor`` with the same parameters.
        """
        return PageCall(
            item=_identity,
            spec=_spec(method, path, headers, None),
            query=dict(params or {}),
            options=_options(options, headers, None),
        )


def _encode(value: object) -> bytes:
    return json_body(value, keep_none=True)
