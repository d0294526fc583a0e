from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, TimestampMixin
from platform_server.delivery import DeliveryMixin, pending_indexes


class WebhookEndpoint(IdMixin, TimestampMixin, Base):
    __tablename__ = "webhook_endpoints"

    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)  # event types, or ["*"]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(String(500))
    # Kept readable: every delivery is signed with it. Shown once, at creation or rotation.
    secret: Mapped[str] = mapped_column(String(200))
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    # Since when every delivery has failed; cleared by any success.
    failing_since: Mapped[datetime | None] = mapped_column()
    # After a rotation the old secret still signs deliveries (beside the new one) until
    # this time, so receivers can switch without refusing any.
    previous_secret: Mapped[str | None] = mapped_column(String(200))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[uuid.UUID | None] = mapped_column()


class WebhookDelivery(IdMixin, TimestampMixin, DeliveryMixin, Base):
    __tablename__ = "webhook_deliveries"
    # One event reaches one endpoint through one delivery, however often it is handled.
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        *pending_indexes("webhook_deliveries", "pending", "endpoint_id"),
    )

    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID | None] = mapped_column(index=True)  # none for a ping
    event_type: Mapped[str] = mapped_column(String(100))
    # The `webhook-id` header: the same on every retry, so receivers can deduplicate.
    message_id: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    response_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    delivered_at: Mapped[datetime | None] = mapped_column()
