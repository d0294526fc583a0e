from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from platform_server.core.schemas import HTTP_URL_PATTERN, InputModel, OutputModel, PatchModel
from platform_server.events import api as events
from platform_server.webhooks import ssrf

ALL_EVENTS = "*"
DeliveryStatus = Literal["pending", "succeeded", "failed"]

WebhookUrl = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        description="http(s) URL receiving POSTs; private and internal addresses are refused",
        # What `ssrf.parse_url` takes, for the document (its own messages say why not).
        json_schema_extra={"pattern": HTTP_URL_PATTERN},
    ),
]
EventTypes = Annotated[
    list[str],
    Field(
        min_length=1,
        max_length=len(events.EVENT_TYPES) + 1,
        description='Event types to receive, or ["*"] for all: ' + ", ".join(events.EVENT_TYPES),
        json_schema_extra={"items": {"type": "string", "enum": [ALL_EVENTS, *events.EVENT_TYPES]}},
    ),
]
Description = Annotated[str, Field(max_length=500)]


def _check_url(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ssrf.parse_url(value)
    except ssrf.UnsafeURL as error:
        raise ValueError(f"URL {error}") from None
    return value


def _check_events(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = sorted({e for e in value if e != ALL_EVENTS and e not in events.EVENT_TYPES})
    if unknown:
        raise ValueError(
            f"unknown event type(s): {', '.join(unknown)}; "
            f'known: {", ".join(events.EVENT_TYPES)}, or "*" for all'
        )
    if ALL_EVENTS in value:
        return [ALL_EVENTS]
    return list(dict.fromkeys(value))  # without repeats, in the order given


class WebhookEndpointCreate(InputModel):
    url: WebhookUrl
    events: EventTypes
    active: bool = True
    description: Description | None = None

    _url = field_validator("url")(_check_url)
    _events = field_validator("events")(_check_events)


class WebhookEndpointUpdate(PatchModel):
    NULLABLE = frozenset({"description"})
    url: WebhookUrl | None = None
    events: EventTypes | None = None
    active: bool | None = Field(
        None, description="true re-enables an endpoint that was disabled after failures"
    )
    description: Description | None = Field(None, description="null clears it")

    _url = field_validator("url")(_check_url)
    _events = field_validator("events")(_check_events)


class WebhookEndpointOut(OutputModel):
    id: uuid.UUID
    url: str
    events: list[str]
    active: bool
    description: str | None
    disabled_reason: str | None = Field(
        description="Why the server disabled it (set with active=false after failures)"
    )
    failing_since: datetime | None = Field(
        description="Since when every delivery has failed; null after any success"
    )
    previous_secret_expires_at: datetime | None = Field(
        default=None,
        description="After a rotation: until when deliveries are also signed with the "
        "previous secret (null when they are signed with the current one only)",
    )
    created_at: datetime
    updated_at: datetime


class WebhookEndpointCreated(WebhookEndpointOut):
    secret: str | None = Field(
        description="The signing secret (whsec_...). Shown only once: store it now "
        "(null on an idempotent replay; rotate the secret to get a new one)."
    )


# A week: long enough for any deploy, short enough that a leaked secret dies soon.
MAX_PREVIOUS_SECRET_HOURS = 168


class WebhookRotateSecret(InputModel):
    previous_secret_hours: int = Field(
        24,
        ge=0,
        le=MAX_PREVIOUS_SECRET_HOURS,
        description="How long deliveries stay signed with the old secret too (each then "
        "carries both signatures), so receivers can switch over without refusing any; "
        "0 retires the old secret at once",
    )


class WebhookSecretOut(OutputModel):
    id: uuid.UUID = Field(description="The endpoint's id")
    secret: str = Field(description="The new signing secret; shown only once")
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the previous secret also signs deliveries (null: not at all)"
    )


class WebhookDeliveryOut(OutputModel):
    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID | None = Field(description="null for a test ping")
    event_type: str
    message_id: str = Field(description="The webhook-id header, the same on every attempt")
    status: DeliveryStatus
    attempts: int
    response_code: int | None = Field(description="HTTP status of the last attempt")
    duration_ms: int | None = Field(description="How long the last attempt took")
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="When pending: the next attempt")
    delivered_at: datetime | None = Field(description="When a 2xx answer came")
    created_at: datetime


class WebhookDeliveryDetailOut(WebhookDeliveryOut):
    payload: dict[str, Any] = Field(description="The JSON body that is sent")

    @field_validator("payload", mode="before")
    @classmethod
    def _parsed(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str | bytes) else value


class WebhookPing(OutputModel):
    """The body of a test delivery (`POST /webhooks/{id}/test`)."""

    type: Literal["ping"] = "ping"
    webhook_id: uuid.UUID
    created_at: datetime
