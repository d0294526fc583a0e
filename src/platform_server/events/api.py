"""The events domain's public interface: what other domains may import from it.

Domains record events in their own transactions (`record`, `record_many`); the
messaging domains subscribe to published ones (`subscribe`), which they receive as
`EventOut` values.
"""

from platform_server.events.repository import EventFilters, export_page
from platform_server.events.schemas import EVENT_TYPES, EventActor, EventOut
from platform_server.events.service import (
    EventData,
    OutboxBacklog,
    ResourceId,
    Subscriber,
    deliver_to_subscribers,
    outbox_backlog,
    publish_batch,
    record,
    record_many,
    subscribe,
)

__all__ = [
    "EVENT_TYPES",
    "EventActor",
    "EventData",
    "EventFilters",
    "EventOut",
    "OutboxBacklog",
    "ResourceId",
    "Subscriber",
    "deliver_to_subscribers",
    "export_page",
    "outbox_backlog",
    "publish_batch",
    "record",
    "record_many",
    "subscribe",
]
