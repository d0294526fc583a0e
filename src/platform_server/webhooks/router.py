"""Webhook endpoints and their deliveries (admins only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Body, Query, Response, status

from platform_server.core.access import requires
from platform_server.core.container import SendQueuedDep, SettingsDep
from platform_server.core.database import DbSession
from platform_server.core.idempotency import creates
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.webhooks import service
from platform_server.webhooks.schemas import (
    DeliveryStatus,
    WebhookDeliveryDetailOut,
    WebhookDeliveryOut,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
    WebhookRotateSecret,
    WebhookSecretOut,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
Admin = Annotated[Principal, requires(Permission.WEBHOOKS_MANAGE)]


def _send_soon(send_queued: SendQueuedDep, tasks: BackgroundTasks) -> None:
    """Wake the senders once the request's transaction has committed (background tasks
    run after the response, and the session commits before it), so the new work is
    visible to them and goes out at once instead of at the next poll."""
    tasks.add_task(send_queued)


@creates(router, "", summary="Create a webhook endpoint", secret_fields=("secret",))
async def create_webhook(
    payload: WebhookEndpointCreate, settings: SettingsDep, session: DbSession, actor: Admin
) -> WebhookEndpointCreated | Response:
    """The signing `secret` is in this answer only (null on an idempotent replay; rotate it
    to get a new one). URLs resolving to private, loopback, link-local or metadata
    addresses are refused (422)."""
    await service.check_target(payload.url, settings)
    created = await service.create_endpoint(session, payload, actor)
    return created


@router.get("", summary="List webhook endpoints")
async def list_webhooks(
    session: DbSession,
    page: PageQuery,
    actor: Admin,
    active: Annotated[bool | None, Query(description="Only enabled (or disabled) ones")] = None,
) -> Page[WebhookEndpointOut]:
    """Newest first. Secrets are never shown."""
    return await service.list_endpoints(session, page, active)


@router.get("/{id}", summary="Get a webhook endpoint")
async def get_webhook(id: uuid.UUID, session: DbSession, actor: Admin) -> WebhookEndpointOut:
    return service.endpoint_out(await service.get_endpoint(session, id))


@router.patch("/{id}", summary="Change a webhook endpoint")
async def update_webhook(
    id: uuid.UUID,
    payload: WebhookEndpointUpdate,
    settings: SettingsDep,
    session: DbSession,
    actor: Admin,
) -> WebhookEndpointOut:
    """Change the given fields. `active: true` re-enables an endpoint the server disabled
    (clearing `disabled_reason` and `failing_since`); a new `url` is checked like on create."""
    if payload.url is not None:
        await service.check_target(payload.url, settings)
    return service.endpoint_out(await service.update_endpoint(session, id, payload, actor))


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a webhook endpoint")
async def delete_webhook(id: uuid.UUID, session: DbSession, actor: Admin) -> Response:
    """Deletes the endpoint and its delivery log; nothing more is sent to it."""
    await service.delete_endpoint(session, id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{id}/rotate-secret", summary="Rotate the signing secret")
async def rotate_webhook_secret(
    id: uuid.UUID,
    session: DbSession,
    actor: Admin,
    payload: Annotated[WebhookRotateSecret | None, Body()] = None,
) -> WebhookSecretOut:
    """A new signing secret, shown only in this answer. For `previous_secret_hours`
    (default 24, at most 168) every delivery, retries included, carries two signatures:
    one with the new secret and one with the old, so receivers can switch over without
    refusing any; `0` retires the old secret at once."""
    hours = (payload or WebhookRotateSecret()).previous_secret_hours
    return await service.rotate_secret(session, id, hours, actor)


@creates(router, "/{id}/test", summary="Send a test ping", status_code=status.HTTP_202_ACCEPTED)
async def test_webhook(
    id: uuid.UUID,
    send_queued: SendQueuedDep,
    tasks: BackgroundTasks,
    session: DbSession,
    actor: Admin,
) -> WebhookDeliveryOut | Response:
    """Queues a signed `ping` delivery (`{"type": "ping", "webhook_id", "created_at"}`),
    sent at once and retried like any other. 409 if the endpoint is disabled."""
    delivery = await service.queue_ping(session, id)
    _send_soon(send_queued, tasks)
    return delivery


@router.get("/{id}/deliveries", summary="List deliveries")
async def list_webhook_deliveries(
    id: uuid.UUID,
    session: DbSession,
    page: PageQuery,
    actor: Admin,
    status: DeliveryStatus | None = None,
    event_type: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[WebhookDeliveryOut]:
    """Newest first; filter by `status` (pending, succeeded, failed) or `event_type`."""
    return await service.list_deliveries(session, id, page, status, event_type)


@router.get("/{id}/deliveries/{delivery_id}", summary="Get a delivery with its payload")
async def get_webhook_delivery(
    id: uuid.UUID, delivery_id: uuid.UUID, session: DbSession, actor: Admin
) -> WebhookDeliveryDetailOut:
    return service.delivery_detail(await service.get_delivery(session, id, delivery_id))


@router.post(
    "/{id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send a delivery again",
)
async def redeliver_webhook_delivery(
    id: uuid.UUID,
    delivery_id: uuid.UUID,
    send_queued: SendQueuedDep,
    tasks: BackgroundTasks,
    session: DbSession,
    actor: Admin,
) -> WebhookDeliveryOut:
    """Sends it again at once (same body and `webhook-id`), then retries it on the usual
    schedule. Any status may be redelivered; 409 while an attempt is in flight or when
    the endpoint is disabled."""
    delivery = await service.redeliver(session, id, delivery_id, actor)
    _send_soon(send_queued, tasks)
    return delivery
