from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, TimestampMixin
from platform_server.delivery import DeliveryMixin, pending_indexes


class Notification(IdMixin, TimestampMixin, DeliveryMixin, Base):
    """One message to one recipient, rendered when queued and kept as sent."""

    __tablename__ = "notifications"
    # One event renders a template for a recipient once, however often it is handled.
    __table_args__ = (
        UniqueConstraint("event_id", "channel", "template", "recipient"),
        *pending_indexes("notifications", "queued", "recipient"),
    )
    PENDING: ClassVar[str] = "queued"
    DONE: ClassVar[str] = "sent"

    # Found by the unique constraint, which leads with it.
    event_id: Mapped[uuid.UUID | None] = mapped_column()
    user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    # Few distinct values, filtered on in a list walked newest first: no index of their own.
    channel: Mapped[str] = mapped_column(String(20))  # email | sms
    recipient: Mapped[str] = mapped_column(String(255))
    template: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str | None] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column()
