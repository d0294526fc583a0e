"""Webhook endpoints and their deliveries: what the admin API does."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.database import as_utc, utcnow
from platform_server.core.errors import Conflict, NotFound, Unprocessable, found
from platform_server.core.pagination import Page, PageParams
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings
from platform_server.delivery import retry_now
from platform_server.webhooks import repository, schemas, ssrf
from platform_server.webhooks.models import WebhookDelivery, WebhookEndpoint
from platform_server.webhooks.signing import generate_secret

# What the audit trail records of an endpoint (never its secret).
AUDITED = ("url", "events", "active", "description", "disabled_reason")
PING = "ping"


async def check_target(url: str, settings: Settings) -> None:
    """Refuse (422) a URL that resolves to an address deliveries may not reach.

    Runs before the request's transaction touches the database: DNS can be slow.
    """
    try:
        await ssrf.check_url(
            url, allow_private=settings.webhooks_allow_private, require_resolution=False
        )
    except ssrf.UnsafeURL as error:
        raise Unprocessable(
            f"The webhook URL {error}.", errors=[{"loc": ["body", "url"], "msg": f"URL {error}"}]
        ) from None


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    values = {name: getattr(endpoint, name) for name in AUDITED}
    values["url"] = redacted_url(endpoint.url)
    return values


async def _audit(
    session: AsyncSession,
    action: str,
    actor: Principal,
    endpoint_id: uuid.UUID,
    changes: dict[str, Any],
) -> None:
    """Every change to webhooks is recorded against its endpoint."""
    await audit.record(
        session, action, actor=actor, target_type="webhook", target_id=endpoint_id, changes=changes
    )


def redacted_url(url: str) -> str:
    """The URL without credentials or query: integrators put tokens there, and the
    audit trail keeps what it records forever."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    query = "?…" if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")) + query


def endpoint_out(endpoint: WebhookEndpoint) -> schemas.WebhookEndpointOut:
    return schemas.WebhookEndpointOut.model_validate(endpoint)


async def create_endpoint(
    session: AsyncSession, data: schemas.WebhookEndpointCreate, actor: Principal
) -> schemas.WebhookEndpointCreated:
    now = utcnow()
    endpoint = WebhookEndpoint(
        url=data.url,
        events=data.events,
        active=data.active,
        description=data.description,
        secret=generate_secret(),
        disabled_reason=None,
        failing_since=None,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    await repository.add(session, endpoint)
    await _audit(session, "webhook.create", actor, endpoint.id, audit.diff({}, _snapshot(endpoint)))
    return schemas.WebhookEndpointCreated.model_validate(
        {**endpoint_out(endpoint).model_dump(), "secret": endpoint.secret}
    )


async def list_endpoints(
    session: AsyncSession, page: PageParams, active: bool | None
) -> Page[schemas.WebhookEndpointOut]:
    return await repository.list_endpoints(session, page, active)


async def get_endpoint(
    session: AsyncSession, endpoint_id: uuid.UUID, *, lock: bool = False
) -> WebhookEndpoint:
    endpoint = await repository.get(session, WebhookEndpoint, endpoint_id, lock=lock)
    return found(endpoint, f"Webhook endpoint {endpoint_id} does not exist.")


async def update_endpoint(
    session: AsyncSession,
    endpoint_id: uuid.UUID,
    data: schemas.WebhookEndpointUpdate,
    actor: Principal,
) -> WebhookEndpoint:
    changes = data.model_dump(exclude_unset=True)
    nulls = [k for k, v in changes.items() if v is None and k != "description"]
    if nulls:
        raise Unprocessable(
            "These fields cannot be null.",
            errors=[{"loc": ["body", k], "msg": "may not be null"} for k in nulls],
        )
    endpoint = await get_endpoint(session, endpoint_id, lock=True)
    before = _snapshot(endpoint)
    was_active = endpoint.active
    for field, value in changes.items():
        setattr(endpoint, field, value)
    if endpoint.active and not was_active:
        # Enabled again: its failures so far no longer count towards disabling it.
        endpoint.disabled_reason = None
        endpoint.failing_since = None
    after = _snapshot(endpoint)
    if after != before:
        endpoint.updated_at = utcnow()
        await repository.save(session)
        await _audit(session, "webhook.update", actor, endpoint.id, audit.diff(before, after))
    return endpoint


async def delete_endpoint(session: AsyncSession, endpoint_id: uuid.UUID, actor: Principal) -> None:
    endpoint = await get_endpoint(session, endpoint_id, lock=True)
    before = _snapshot(endpoint)
    await repository.delete_endpoint(session, endpoint)
    await _audit(session, "webhook.delete", actor, endpoint_id, audit.diff(before, {}))


async def rotate_secret(
    session: AsyncSession, endpoint_id: uuid.UUID, previous_secret_hours: int, actor: Principal
) -> schemas.WebhookSecretOut:
    endpoint = await get_endpoint(session, endpoint_id, lock=True)
    now, overlap_before = utcnow(), endpoint.previous_secret_expires_at
    keep = previous_secret_hours > 0
    # Rotating twice within the window retires the oldest: only the last two sign.
    endpoint.previous_secret = endpoint.secret if keep else None
    endpoint.previous_secret_expires_at = (
        now + timedelta(hours=previous_secret_hours) if keep else None
    )
    endpoint.secret = generate_secret()
    endpoint.updated_at = now
    await repository.save(session)
    expiry = {"before": overlap_before, "after": endpoint.previous_secret_expires_at}
    await _audit(
        session, "webhook.rotate_secret", actor, endpoint.id, {"previous_secret_expires_at": expiry}
    )
    return schemas.WebhookSecretOut(
        id=endpoint.id,
        secret=endpoint.secret,
        previous_secret_expires_at=endpoint.previous_secret_expires_at,
    )


def signing_secrets(
    secret: str, previous: str | None, previous_expires_at: datetime | None, now: datetime
) -> tuple[str, ...]:
    """The secrets a delivery is signed with now: the current one, and the previous one
    while its time after a rotation lasts."""
    if previous and previous_expires_at is not None and as_utc(previous_expires_at) > now:
        return (secret, previous)
    return (secret,)


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.active:
        raise Conflict(
            f"Webhook endpoint {endpoint.id} is disabled: nothing is sent to it. "
            "Enable it first (PATCH with active=true)."
        )


async def queue_ping(session: AsyncSession, endpoint_id: uuid.UUID) -> schemas.WebhookDeliveryOut:
    """A `ping` delivery, sent at once like any other (signed, retried)."""
    endpoint = await get_endpoint(session, endpoint_id)
    _require_active(endpoint)
    now = utcnow()
    payload = schemas.WebhookPing(webhook_id=endpoint.id, created_at=now)
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event_id=None,
        event_type=PING,
        message_id=f"ping_{uuid.uuid4().hex}",
        payload=payload.model_dump_json(),
        status=WebhookDelivery.PENDING,
        attempts=0,
        retry_base=0,
        next_attempt_at=now,
        position=None,
        resource_key=None,
        created_at=now,
        updated_at=now,
    )
    await repository.add(session, delivery)
    return schemas.WebhookDeliveryOut.model_validate(delivery)


async def list_deliveries(
    session: AsyncSession,
    endpoint_id: uuid.UUID,
    page: PageParams,
    status: schemas.DeliveryStatus | None,
    event_type: str | None,
) -> Page[schemas.WebhookDeliveryOut]:
    await get_endpoint(session, endpoint_id)
    return await repository.list_deliveries(session, endpoint_id, page, status, event_type)


async def get_delivery(
    session: AsyncSession, endpoint_id: uuid.UUID, delivery_id: uuid.UUID, *, lock: bool = False
) -> WebhookDelivery:
    await get_endpoint(session, endpoint_id)
    delivery = await repository.get(session, WebhookDelivery, delivery_id, lock=lock)
    if delivery is None or delivery.endpoint_id != endpoint_id:
        raise NotFound(f"Delivery {delivery_id} of webhook endpoint {endpoint_id} does not exist.")
    return delivery


def delivery_detail(delivery: WebhookDelivery) -> schemas.WebhookDeliveryDetailOut:
    return schemas.WebhookDeliveryDetailOut.model_validate(delivery)


async def redeliver(
    session: AsyncSession, endpoint_id: uuid.UUID, delivery_id: uuid.UUID, actor: Principal
) -> schemas.WebhookDeliveryOut:
    """Send a delivery again now, whatever its status, then retry it on the usual schedule.

    409 while an attempt is in flight (pending and leased) or the endpoint is disabled.
    A pending delivery waiting for its next attempt is simply sent now.
    """
    endpoint = await get_endpoint(session, endpoint_id)
    _require_active(endpoint)
    delivery = await get_delivery(session, endpoint_id, delivery_id, lock=True)
    now = utcnow()
    if (
        delivery.status == WebhookDelivery.PENDING
        and delivery.locked_until is not None
        and delivery.locked_until > now
    ):
        raise Conflict(
            f"Delivery {delivery_id} is being sent right now; look at it again shortly.",
            headers={"Retry-After": "5"},
        )
    before = delivery.status
    retry_now(delivery)
    delivery.updated_at = now
    await repository.save(session)
    changes = {
        "delivery_id": {"before": None, "after": str(delivery.id)},
        "status": {"before": before, "after": delivery.status},
    }
    await _audit(session, "webhook.redeliver", actor, endpoint_id, changes)
    return schemas.WebhookDeliveryOut.model_validate(delivery)
