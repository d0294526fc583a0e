"""RabbitMQ transport (aio-pika): API processes publish, workers consume.

Messages are persistent and published with confirms, inside the publishing
transaction: if the commit then fails the events are published again later, and
the consumer side is idempotent. A worker acknowledges a message only after its
subscribers' rows are committed, so a worker killed mid-way loses nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from platform_server import tracing
from platform_server.core.logging import bound
from platform_server.core.settings import Settings
from platform_server.events.schemas import EventOut

logger = logging.getLogger("platform_server.events.broker")


def exchange_name(settings: Settings) -> str:
    return f"{settings.broker_prefix}.events"


def queue_name(settings: Settings) -> str:
    return f"{settings.broker_prefix}.dispatch"


class BrokerPublisher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._amqp_connection: Any = None
        self._exchange: Any = None
        self._lock = asyncio.Lock()

    async def _ready(self) -> Any:
        import aio_pika

        async with self._lock:
            if self._exchange is None:
                assert self.settings.broker_url
                self._amqp_connection = await aio_pika.connect_robust(self.settings.broker_url)
                channel = await self._amqp_connection.channel(publisher_confirms=True)
                self._exchange = await declare(channel, self.settings)
        return self._exchange

    async def forward(self, _session: object, events: list[EventOut]) -> None:
        import aio_pika

        exchange = await self._ready()
        for event in events:
            message = aio_pika.Message(
                event.model_dump_json().encode(),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=str(event.id),
                type=event.type,
                headers=tracing.headers_for(event.trace_context),
            )
            await exchange.publish(message, routing_key=event.type)

    async def close(self) -> None:
        if self._amqp_connection is not None:
            await self._amqp_connection.close()
            self._amqp_connection = self._exchange = None


async def declare(channel: Any, settings: Settings) -> Any:
    import aio_pika

    exchange = await channel.declare_exchange(
        exchange_name(settings), aio_pika.ExchangeType.TOPIC, durable=True
    )
    # One consumer at a time (the others stand by and take over if it dies): events are
    # planned in stream order, so deliveries of one resource are created in order.
    # Sending, the slow part, is shared by every worker through the database.
    queue = await channel.declare_queue(
        queue_name(settings), durable=True, arguments={"x-single-active-consumer": True}
    )
    await queue.bind(exchange, routing_key="#")
    return exchange


Handler = Callable[[EventOut], Awaitable[None]]


async def consume(settings: Settings, handle: Handler, *, prefetch: int = 32) -> None:
    """Hand each message to `handle`, acknowledging it only once handled. Runs until
    cancelled; a message that fails is put back for another try after a pause."""
    import aio_pika

    assert settings.broker_url
    connection = await aio_pika.connect_robust(settings.broker_url)
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=prefetch)
        await declare(channel, settings)
        queue = await channel.get_queue(queue_name(settings))
        async with queue.iterator() as messages:
            async for message in messages:
                try:
                    event = EventOut.model_validate(json.loads(message.body))
                except ValueError:
                    logger.error("dropping a message that is not an event: %r", message.body[:200])
                    await message.reject(requeue=False)
                    continue
                with (
                    bound(event_id=event.id),
                    tracing.span(f"process {event.type}", message.headers, event_id=str(event.id)),
                ):
                    await _handle_in_place(handle, event)
                await message.ack()
    finally:
        await connection.close()


RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


async def _handle_in_place(handle: Handler, event: EventOut) -> None:
    """Retry a failing event where it is (the database may be down a moment) rather than
    putting it back at the end of the queue, which would let later events overtake it."""
    failures = 0
    while True:
        try:
            await handle(event)
            return
        except Exception:
            delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
            logger.exception("handling event %s failed; retrying in %gs", event.id, delay)
            failures += 1
            await asyncio.sleep(delay)


async def delete_topology(settings: Settings) -> None:
    """Remove this prefix's exchange and queue (test runs clean up after themselves)."""
    import aio_pika

    assert settings.broker_url
    connection = await aio_pika.connect(settings.broker_url)
    try:
        channel = await connection.channel()
        await channel.queue_delete(queue_name(settings))
        await channel.exchange_delete(exchange_name(settings))
    finally:
        await connection.close()
