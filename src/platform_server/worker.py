"""`platform worker run`: consume events from RabbitMQ, plan and send what they cause.

Workers hold no state of their own: run as many as the load needs. Each message is
acknowledged only after its notifications and webhook deliveries are committed, and
each of those is leased while it is sent, so a worker killed at any point loses
nothing; what it was doing is picked up by the next worker or by its restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from dataclasses import dataclass
from typing import Any

from prometheus_client import start_http_server

from platform_server import tracing
from platform_server.backlog import read_backlog
from platform_server.bulk.api import JobRunner
from platform_server.core.database import Database, utcnow
from platform_server.core.logging import configure_structlog, get_logger
from platform_server.core.settings import Settings
from platform_server.dispatch import build_dispatcher
from platform_server.events import broker
from platform_server.events.api import EventOut, deliver_to_subscribers
from platform_server.observability import metrics
from platform_server.observability.metrics import BacklogCollector
from platform_server.storage.factory import open_storage

logger = get_logger("platform_server.worker")


@dataclass(frozen=True)
class MetricsAddress:
    """Where the worker serves its own Prometheus metrics (`--metrics-port`)."""

    port: int
    host: str = "127.0.0.1"


async def _refresh_gauges(db: Database, backlog: BacklogCollector, seconds: float) -> None:
    """The backlog and pool gauges, read every `seconds` (a scrape runs in the metrics
    server's thread, which cannot await the database)."""
    while True:
        try:
            backlog.update(await read_backlog(db), utcnow())
            metrics.sample_pools(db.pools())
        except Exception:  # the database may be down a moment: the next round tries again
            logger.exception("reading the backlog for metrics failed")
        await asyncio.sleep(seconds)


def _serve_metrics(address: MetricsAddress, backlog: BacklogCollector) -> Any:
    server, _thread = start_http_server(
        address.port, addr=address.host, registry=metrics.exposition(backlog)
    )
    logger.info("worker metrics on http://%s:%d/metrics", address.host, address.port)
    return server


async def run(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    metrics_address: MetricsAddress | None = None,
) -> None:
    if not settings.broker_url:
        raise ValueError("`platform worker run` needs PLATFORM_BROKER_URL (amqp://...)")
    stop = stop or asyncio.Event()
    configure_structlog(settings.log_level, settings.log_format)
    tracing.setup(settings)
    db = Database(settings)
    tracing.instrument_engines(db.engines)
    dispatcher = build_dispatcher(db, settings, "worker")

    async def handle(event: EventOut) -> None:
        # The broker's consumer has bound the event id and continued its trace.
        async with db.transaction() as session:
            await deliver_to_subscribers(session, [event])
        metrics.EVENTS_DELIVERED.inc()
        logger.info("event handled", event_type=event.type)
        dispatcher.queued()

    backlog = BacklogCollector()
    metrics_server = refresher = None
    if metrics_address is not None:
        metrics_server = _serve_metrics(metrics_address, backlog)
        refresher = asyncio.create_task(
            _refresh_gauges(db, backlog, settings.metrics_refresh_seconds), name="metrics"
        )
    dispatcher.start()
    storage = open_storage(settings)
    runner = JobRunner(db, settings, storage)
    runner.start()
    consumer = asyncio.create_task(broker.consume(settings, handle), name="consumer")
    # As the API process does: what start-up made lives as long as the process; frozen,
    # it is not walked by every full collection (a bulk import's chunks set off many:
    # a fifth of a 100,000-row import's time went to them, `bench/bulk_import.py`).
    gc.freeze()
    logger.info("worker consuming", queue=broker.queue_name(settings))
    try:
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({consumer, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if consumer in done:
            consumer.result()  # a broken connection ends the worker with its error
    finally:
        for task in (consumer, refresher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if metrics_server is not None:
            metrics_server.shutdown()
            metrics_server.server_close()
        metrics.process_ended()
        await runner.stop()
        await storage.close()
        await dispatcher.stop()
        await db.dispose()
        tracing.flush()
        logger.info("worker stopped")


def main(settings: Settings, metrics_address: MetricsAddress | None = None) -> None:
    """Run until SIGINT or SIGTERM, then finish the current sends' bookkeeping and exit."""

    async def go() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run(settings, stop=stop, metrics_address=metrics_address)

    asyncio.run(go())
