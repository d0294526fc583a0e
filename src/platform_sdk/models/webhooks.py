from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from ._base import PlatformModel


class WebhookEndpoint(PlatformModel):
    """Where events are POSTed. ``events`` lists event types, or is ``["*"]`` for all.

    ``active`` is False when an admin disabled it, or when the server did after every
    delivery failed for too long (``disabled_reason`` says so). ``failing_since`` is set
    while deliveries fail and cleared by any success. After a rotation,
    ``previous_secret_expires_at`` says until when deliveries also carry a signature
    with the previous secret.
    """

    id: UUID
    url: str
    events: list[str] = Field(default_factory=list)
    active: bool
    description: str | None = None
    disabled_reason: str | None = None
    failing_since: datetime | None = None
    previous_secret_expires_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class WebhookEndpointCreated(WebhookEndpoint):
    """An endpoint as answered by ``create``: ``secret`` (``whsec_...``) signs every
    delivery and is shown only this once; verify with ``platform_sdk.webhooks.verify``.

    ``secret`` is ``None`` when the server replays an earlier create with the same
    ``Idempotency-Key``: it never repeats the secret. Rotate it to get a new one.
    """

    secret: str | None

    def __repr__(self) -> str:
        return f"WebhookEndpointCreated(id={self.id!s}, url={self.url!r})"

    __str__ = __repr__


class WebhookSecret(PlatformModel):
    """The new signing secret of endpoint ``id`` after a rotation; shown only this once.

    Until ``previous_secret_expires_at`` (None: not at all) deliveries are signed with
    the previous secret too.
    """

    id: UUID
    secret: str
    previous_secret_expires_at: datetime | None = None

    def __repr__(self) -> str:
        return f"WebhookSecret(id={self.id!s})"

    __str__ = __repr__


class WebhookDelivery(PlatformModel):
    """One event (or test ping) sent to one endpoint, with its retries.

    ``status``: pending (waiting or retrying), succeeded, failed (every attempt failed).
    ``message_id`` is the ``webhook-id`` header, the same on every attempt.
    """

    id: UUID
    endpoint_id: UUID
    event_id: UUID | None = None
    event_type: str
    message_id: str
    status: str
    attempts: int
    response_code: int | None = None
    duration_ms: int | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    created_at: datetime


class WebhookDeliveryDetail(WebhookDelivery):
    """A delivery with ``payload``, the JSON body that is sent."""

    payload: dict[str, Any] = Field(default_factory=dict)
