from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, SubResource, endpoint, paginated
from .._types import CreateOptions, M, NullType, PageOptions, RequestOptions
from ..models import (
    WebhookDelivery,
    WebhookDeliveryDetail,
    WebhookEndpoint,
    WebhookEndpointCreated,
    WebhookSecret,
)
from ._calls import one

WebhookDeliveryStatus = Literal["pending", "succeeded", "failed"]


class WebhookDeliveries(Resource[M]):
    """The deliveries of an endpoint: what was sent, the answers, retries (admins)."""

    @paginated("GET", "/api/v1/webhooks/{id}/deliveries")
    def list(
        self,
        webhook_id: UUID | str,
        *,
        status: WebhookDeliveryStatus | None = None,
        event_type: str | None = None,
        **options: Unpack[PageOptions],
    ) -> PageCall[WebhookDelivery]:
        """Newest first; filter by ``status`` or ``event_type``."""
        ...

    @endpoint("GET", "/api/v1/webhooks/{id}/deliveries/{delivery_id}")
    def get(
        self, webhook_id: UUID | str, delivery_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[WebhookDeliveryDetail]:
        """One delivery with its ``payload``."""
        ...

    @endpoint("POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver")
    def redeliver(
        self, webhook_id: UUID | str, delivery_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[WebhookDelivery]:
        """Send a delivery again now (same body and ``webhook-id``), whatever its status.

        Raises ``ConflictError`` while an attempt is in flight or the endpoint is disabled.
        """
        ...


class Webhooks(Resource[M]):
    """Webhook endpoints (admins). Verify what they receive with
    ``platform_sdk.webhooks.verify`` (a module, not this resource)."""

    @endpoint("POST", "/api/v1/webhooks", creates=True)
    def create(
        self,
        *,
        url: str,
        events: Sequence[str],
        active: bool | None = None,
        description: str | None = None,
        **options: Unpack[CreateOptions],
    ) -> Call[WebhookEndpointCreated]:
        """Register an endpoint; ``secret`` of the answer is shown only this once.

        ``events``: event types such as ``"order.paid"``, or ``["*"]`` for all. URLs of
        private, loopback, link-local or metadata addresses raise
        ``UnprocessableEntityError``, as do unknown event types.
        """
        return one(
            WebhookEndpointCreated,
            options,
            body={"url": url, "events": list(events), "active": active, "description": description},
        )

    @paginated("GET", "/api/v1/webhooks")
    def list(
        self, *, active: bool | None = None, **options: Unpack[PageOptions]
    ) -> PageCall[WebhookEndpoint]:
        """Newest first; ``active=False`` lists the disabled ones. Never shows secrets."""
        ...

    @endpoint("GET", "/api/v1/webhooks/{id}")
    def get(
        self, webhook_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[WebhookEndpoint]: ...

    @endpoint("PATCH", "/api/v1/webhooks/{id}")
    def update(
        self,
        webhook_id: UUID | str,
        *,
        url: str | None = None,
        events: Sequence[str] | None = None,
        active: bool | None = None,
        description: str | NullType | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[WebhookEndpoint]:
        """Change the given fields; ``description=NULL`` clears it.

        ``active=True`` re-enables an endpoint the server disabled after failures.
        """
        return one(
            WebhookEndpoint,
            options,
            id=webhook_id,
            body={
                "url": url,
                "events": list(events) if events is not None else None,
                "active": active,
                "description": description,
            },
        )

    @endpoint("DELETE", "/api/v1/webhooks/{id}")
    def delete(self, webhook_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Delete the endpoint and its delivery log."""
        ...

    @endpoint("POST", "/api/v1/webhooks/{id}/rotate-secret")
    def rotate_secret(
        self,
        webhook_id: UUID | str,
        *,
        previous_secret_hours: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[WebhookSecret]:
        """A new signing secret, shown only in this answer.

        For ``previous_secret_hours`` (the server's default: 24; at most 168) deliveries
        carry a signature with the old secret too, so receivers can switch over without
        refusing any; ``0`` retires the old secret at once. Not retried: a lost answer
        would leave a secret nobody knows (rotate again).
        """
        ...

    @endpoint("POST", "/api/v1/webhooks/{id}/test", creates=True)
    def test(
        self, webhook_id: UUID | str, **options: Unpack[CreateOptions]
    ) -> Call[WebhookDelivery]:
        """Queue a signed ``ping`` delivery, sent at once; follow it in ``deliveries``.

        Raises ``ConflictError`` when the endpoint is disabled.
        """
        ...

    deliveries: SubResource[WebhookDeliveries[M]] = SubResource(lambda: WebhookDeliveries)
