"""OpenTelemetry tracing with the in-memory exporter: one order, one trace, from the
request through its SQL to where its event is handled (embedded, and through RabbitMQ)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from platform_server import tracing, worker
from platform_server.core.settings import Settings
from tests.server.events.helpers import API, admin_client, events_of, place_order, wait_for
from tests.server.events.receiver import webhook_receiver
from tests.servers import isolated_server

BROKER_URL = os.environ.get("PLATFORM_TEST_BROKER_URL")


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    tracing.use_exporter(exporter)
    try:
        yield exporter
    finally:
        tracing.stop()


def _named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def _under(span: ReadableSpan, ancestor: ReadableSpan, everything: list[ReadableSpan]) -> bool:
    by_id = {s.context.span_id: s for s in everything}
    current: Any = span
    while current is not None and current.parent is not None:
        if current.parent.span_id == ancestor.context.span_id:
            return True
        current = by_id.get(current.parent.span_id)
    return False


def _order_request(exporter: InMemorySpanExporter) -> ReadableSpan:
    (request,) = _named(exporter, "POST /api/v1/orders")
    assert request.parent is None  # the trace starts at the request
    return request


def _db_spans(exporter: InMemorySpanExporter, trace_id: int) -> list[ReadableSpan]:
    return [
        s
        for s in exporter.get_finished_spans()
        if s.context.trace_id == trace_id and s.attributes and "db.system" in s.attributes
    ]


def test_an_order_is_one_trace_from_request_to_event_handling(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    with isolated_server(tmp_path) as live, admin_client(live.url) as admin:
        spans.clear()
        order_id = place_order(admin)["id"]
        wait_for(lambda: _named(spans, "publish order.created"), what="the event's span")
        (event,) = events_of(admin, {}, order_id, "order.created")
        assert "trace_context" not in event  # kept for the publisher, never shown

    everything = list(spans.get_finished_spans())
    request = _order_request(spans)
    trace_id = request.context.trace_id
    db = _db_spans(spans, trace_id)
    assert any(_under(s, request, everything) for s in db), "no SQL under the request"
    (handled,) = _named(spans, "publish order.created")
    assert handled.context.trace_id == trace_id
    assert handled.parent is not None and handled.parent.span_id == request.context.span_id
    # The subscribers' SQL (the order's notification) runs under the event's span.
    assert any(_under(s, handled, everything) for s in db)
    assert handled.attributes is not None and handled.attributes["event_id"] == event["id"]


@pytest.mark.broker
@pytest.mark.skipif(
    not BROKER_URL, reason="RabbitMQ not configured: set PLATFORM_TEST_BROKER_URL to run this test"
)
def test_the_trace_goes_on_in_the_worker_through_the_message_headers(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    from platform_server.events.broker import delete_topology

    with isolated_server(tmp_path, broker_url=BROKER_URL) as live, admin_client(live.url) as admin:
        try:
            spans.clear()
            place_order(admin)
            wait_for(lambda: _named(spans, "publish order.created"), what="the publish span")
            with _worker(live.settings):
                wait_for(lambda: _named(spans, "process order.created"), what="the worker's span")
        finally:
            asyncio.run(delete_topology(live.settings))

    everything = list(spans.get_finished_spans())
    request = _order_request(spans)
    (published,) = _named(spans, "publish order.created")
    (processed,) = _named(spans, "process order.created")
    assert published.context.trace_id == processed.context.trace_id == request.context.trace_id
    assert processed.parent is not None
    assert processed.parent.span_id == published.context.span_id
    assert processed.parent.is_remote  # it came through the message's headers
    db = _db_spans(spans, request.context.trace_id)
    assert any(_under(s, processed, everything) for s in db)


class _worker:
    """`platform_server.worker.run` in a thread of this process (it shares the exporter)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop: asyncio.Event | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=asyncio.run, args=(self._run(),), daemon=True)

    async def _run(self) -> None:
        self.loop, self.stop = asyncio.get_running_loop(), asyncio.Event()
        self.ready.set()
        await worker.run(self.settings, stop=self.stop)

    def __enter__(self) -> _worker:
        self.thread.start()
        assert self.ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.loop is not None and self.stop is not None
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)


def _http_calls(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [
        s
        for s in exporter.get_finished_spans()
        if s.kind is SpanKind.CLIENT and s.attributes and "db.system" not in s.attributes
    ]


def test_webhook_calls_are_client_spans(tmp_path: Path, spans: InMemorySpanExporter) -> None:
    """The webhook sender's httpx client is instrumented; its calls still go out."""
    with (
        isolated_server(tmp_path, webhooks_allow_private=True) as live,
        admin_client(live.url) as admin,
        webhook_receiver() as receiver,
    ):
        endpoint = admin.post(
            f"{API}/webhooks", json={"url": receiver.url, "events": ["order.created"]}
        )
        assert endpoint.status_code == 201, endpoint.text
        place_order(admin)
        wait_for(lambda: receiver.requests, what="the webhook call")
        wait_for(lambda: _http_calls(spans), what="the webhook call's span")
    (call,) = _http_calls(spans)
    assert call.name == "POST"
    assert call.attributes is not None
    assert any(str(v).startswith(receiver.url) for v in call.attributes.values())
