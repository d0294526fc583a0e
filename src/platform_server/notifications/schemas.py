from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from platform_server.core.schemas import OutputModel
from platform_server.notifications.rendering import SECRET_TEMPLATES

NotificationStatus = Literal["queued", "sent", "failed"]
NotificationChannel = Literal["email", "sms"]


class NotificationFilters(BaseModel):
    """The query of `GET /notifications`: every filter is optional."""

    status: NotificationStatus | None = None
    channel: NotificationChannel | None = None
    user_id: uuid.UUID | None = Field(None, description="Staff only")
    template: str | None = Field(None, max_length=100)


class NotificationOut(OutputModel):
    id: uuid.UUID
    channel: NotificationChannel
    recipient: str = Field(description="Email address or phone number")
    template: str = Field(
        description="welcome, order_created, order_paid, order_shipped, order_refunded, "
        "webhook_disabled, login_ceiling, verify_email, registration_attempt, password_reset, "
        "invitation"
    )
    subject: str | None = Field(description="Null for SMS")
    body_text: str = Field(
        description="Hidden for verify_email, password_reset and invitation: they hold a "
        "one-time token"
    )
    status: NotificationStatus = Field(
        description="queued (waiting or retrying), sent, or failed (every attempt failed)"
    )
    attempts: int
    last_error: str | None = Field(description="Why the last attempt failed, if it did")
    event_id: uuid.UUID | None = Field(
        description="The event it was sent for; null for admin alerts"
    )
    user_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When it is tried next, while queued")

    @model_validator(mode="after")
    def _hide_tokens(self) -> NotificationOut:
        # Only the recipient's inbox holds a one-time token; not staff, not a stolen bearer.
        if self.template in SECRET_TEMPLATES:
            self.body_text = "(hidden: this email holds a one-time token)"
        return self
