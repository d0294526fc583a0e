"""`platform worker run`: consume events from RabbitMQ, plan and send what they cause.

Workers hold no state of their own: run as many as the load needs. Each message is
acknowledged only after its notifications and webhook deliveries are committed, and
each of those is leased while it is sent, so a worker killed at any point loses
nothing; what it was doing is picked up by the next worker or by its restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

from platform_server import tracing
from platform_server.core.database import Database
from platform_server.core.logging import configure_structlog, get_logger
from platform_server.core.settings import Settings
from platform_server.dispatch import build_dispatcher
from platform_server.events import broker
from platform_server.events.api import EventOut, deliver_to_subscribers

logger = get_logger("platform_server.worker")


async def run(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
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
        logger.info("event handled", event_type=event.type)
        dispatcher.queued()

    dispatcher.start()
    consumer = asyncio.create_task(broker.consume(settings, handle), name="consumer")
    logger.info("worker consuming", queue=broker.queue_name(settings))
    try:
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({consumer, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if consumer in done:
            consumer.result()  # a broken connection ends the worker with its error
    finally:
        consumer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consumer
        await dispatcher.stop()
        await db.dispose()
        tracing.flush()
        logger.info("worker stopped")


def main(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM, then finish the current sends' bookkeeping and exit."""

    async def go() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run(settings, stop=stop)

    asyncio.run(go())
