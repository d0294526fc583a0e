"""Request metrics as a pure ASGI middleware: count, latency and in-flight requests."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_server.core.routes import route_template as full_route_template
from platform_server.observability.metrics import IN_FLIGHT, LATENCY, REQUESTS, UNMATCHED

# Any other method is counted as OTHER: clients may send any token as a method.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_template(scope: Scope) -> str:
    """The matched route's full template (`/api/v1/orders/{id}`), or UNMATCHED: the
    label set stays bounded whatever paths clients send."""
    return full_route_template(scope) or UNMATCHED


class MetricsMiddleware:
    """Labels each request by its route template (`/api/v1/orders/{id}`), which the
    router leaves in `scope["route"]`, never by its raw path: the label set stays
    bounded whatever paths clients send."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # (method, route, status) → the labelled counter and histogram: one dict lookup
        # per request instead of two `labels()` calls.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # if the application fails before it answers

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        IN_FLIGHT.inc()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - started
            IN_FLIGHT.dec()
            template = route_template(scope)
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            key = (method, template, status)
            children = self._children.get(key)
            if children is None:
                labels = (method, template, str(status))
                children = (REQUESTS.labels(*labels), LATENCY.labels(*labels))
                self._children[key] = children
            children[0].inc()
            children[1].observe(elapsed)
