"""Optional OpenTelemetry tracing: off unless `PLATFORM_OTEL_ENDPOINT` is set.

When off, nothing of OpenTelemetry is imported and every function here is a cheap
no-op. When on: the FastAPI app, the SQLAlchemy engine and our httpx clients are
instrumented, and an event carries the W3C `traceparent` of the request that wrote
it (in its outbox row, then in its RabbitMQ message's headers), so the work it causes
is handled in the same trace. Tests install an in-memory exporter with `use_exporter`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from platform_server.core.settings import Settings

TRACEPARENT = "traceparent"
_provider: Any = None  # the TracerProvider while tracing is on
_instrumented_engine = False


def enabled() -> bool:
    return _provider is not None


def setup(settings: Settings) -> bool:
    """Turn tracing on for this process when the settings name a collector."""
    global _provider
    if _provider is None and settings.otel_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(
            resource=Resource.create({"service.name": settings.otel_service_name})
        )
        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otel_endpoint))
        )
        _provider = provider
    return enabled()


def use_exporter(exporter: Any) -> None:
    """Tracing on, every span handed to `exporter` as it ends (tests)."""
    global _provider
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    _provider = provider


def stop() -> None:
    """Tracing off: flush what is pending and take the engine hooks out."""
    global _provider, _instrumented_engine
    if _provider is None:
        return
    if _instrumented_engine:
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        SQLAlchemyInstrumentor().uninstrument()
        _instrumented_engine = False
    _provider.shutdown()
    _provider = None


def flush() -> None:
    if _provider is not None:
        _provider.force_flush(timeout_millis=5000)  # a collector that is down delays no exit


def instrument_app(app: Any) -> None:
    if _provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=_provider, exclude_spans=["receive", "send"]
    )


def instrument_engines(engines: list[Any]) -> None:
    """Spans for the statements of these (async) engines. The instrumentation is one per
    process: a later call takes it over from an earlier one."""
    global _instrumented_engine
    if _provider is None:
        return
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    instrumentor = SQLAlchemyInstrumentor()
    if instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.uninstrument()
    instrumentor.instrument(
        engines=[engine.sync_engine for engine in engines],
        tracer_provider=_provider,
        # It declares SQLAlchemy < 2.1 only; the engine events it uses are unchanged in 2.1.
        skip_dep_check=True,
    )
    _instrumented_engine = True


def instrument_httpx(client: Any) -> None:
    if _provider is None:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=_provider)


def current_traceparent() -> str | None:
    """The W3C traceparent of the current span, to store with work done later."""
    if _provider is None:
        return None
    from opentelemetry.propagate import inject

    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier.get(TRACEPARENT)


def headers_for(stored: str | None) -> dict[str, Any]:
    """Message headers that carry the trace on: the current span's, else the stored one."""
    if _provider is None:
        return {}
    traceparent = current_traceparent() or stored
    return {TRACEPARENT: traceparent} if traceparent else {}


@contextmanager
def quiet() -> Iterator[None]:
    """No spans from the instrumentations inside (a background loop's idle polling)."""
    if _provider is None:
        yield
        return
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    with suppress_instrumentation():
        yield


@contextmanager
def span(name: str, carrier: Mapping[str, Any] | None, **attributes: str) -> Iterator[None]:
    """A span continuing the trace in `carrier` (a traceparent header), or a new one."""
    if _provider is None:
        yield
        return
    from opentelemetry.propagate import extract

    headers = {
        k: v.decode("latin-1") if isinstance(v, bytes) else str(v)
        for k, v in (carrier or {}).items()
    }
    context = extract(headers)
    tracer = _provider.get_tracer("platform_server")
    with tracer.start_as_current_span(name, context=context, attributes=attributes):
        yield
