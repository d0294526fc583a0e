from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from platform_server.core.schemas import OutputModel

EVENT_TYPES = (
    "user.created",
    "user.updated",
    "user.deleted",
    "product.created",
    "product.updated",
    "product.deleted",
    "inventory.low_stock",
    "order.created",
    "order.paid",
    "order.cancelled",
    "order.expired",
    "order.fulfilled",
    "order.shipped",
    "order.delivered",
    "order.refunded",
    "payment.failed",
    "payment.refunded",
    "job.succeeded",
    "job.failed",
)


class EventActor(OutputModel):
    id: uuid.UUID
    email: str | None


class EventOut(OutputModel):
    id: uuid.UUID
    type: str = Field(description="One of: " + ", ".join(EVENT_TYPES))
    resource_type: str
    resource_id: str
    actor: EventActor | None = Field(description="Who caused it; null for the system itself")
    data: dict[str, Any] = Field(description="The resource as the API shows it")
    request_id: str | None
    created_at: datetime
    position: int | None = Field(
        description="Place in the stream, set when published; null until then"
    )
    published_at: datetime | None
    # Carried from the outbox row to the publisher (tracing), never shown or sent.
    trace_context: SkipJsonSchema[str | None] = Field(default=None, exclude=True)
