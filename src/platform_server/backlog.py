"""What `/metrics` reads from the domains at scrape time (composition: it may import any
domain's api; `observability` itself imports none)."""

from __future__ import annotations

from dataclasses import asdict

from platform_server.core.database import Database
from platform_server.events import api as events
from platform_server.notifications import api as notifications
from platform_server.observability.metrics import Backlog
from platform_server.webhooks import api as webhooks


async def read_backlog(db: Database) -> Backlog:
    """The outbox, notifications and webhook deliveries waiting or given up on, read
    outside any transaction."""
    async with db.lookups() as session:
        outbox = await events.outbox_backlog(session)
        sends = await notifications.states(session)
        deliveries = await webhooks.delivery_states(session)
    return Backlog(
        outbox=outbox.events,
        oldest_unpublished=outbox.oldest_created_at,
        notifications=asdict(sends),
        webhook_deliveries=asdict(deliveries),
    )
