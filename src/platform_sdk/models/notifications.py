from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ._base import PlatformModel


class Notification(PlatformModel):
    """An email or SMS. ``status``: queued (waiting or retrying), sent, failed.

    ``template``: welcome, order_created, order_paid, order_shipped, order_refunded,
    webhook_disabled, login_ceiling. ``subject`` is None for SMS.
    """

    id: UUID
    channel: str
    recipient: str
    template: str
    subject: str | None = None
    body_text: str
    status: str
    attempts: int
    last_error: str | None = None
    event_id: UUID | None = None
    user_id: UUID | None = None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None
