"""`platform webhooks deliveries`, `redeliver` and `test`: what was sent to an endpoint."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.actions import list_page, show_one
from platform_cli.commands.webhooks.options import DELIVERY_COLUMNS, DeliveryStatus, WebhookId
from platform_cli.refs import check_id
from platform_cli.verbs import Change, Session, changing, verb

DeliveryId = Annotated[
    str, typer.Argument(help="Delivery id.", parser=check_id, show_default=False)
]


@changing()
def test(session: Session, webhook_id: WebhookId) -> Change:
    """Send a signed `ping` to the endpoint now; follow it with `deliveries`."""
    webhooks = session.sdk.webhooks
    return Change(
        action=f"send a test ping to webhook endpoint {webhook_id}",
        fetch=lambda: webhooks.get(webhook_id),
        call=lambda: webhooks.test(webhook_id),
        spinner="Queueing…",
        columns=DELIVERY_COLUMNS,
    )


@verb(pages=True)
def deliveries(
    session: Session,
    webhook_id: WebhookId,
    delivery_id: Annotated[
        str | None,
        typer.Argument(help="Show this delivery with its payload.", show_default=False),
    ] = None,
    status: Annotated[
        DeliveryStatus | None, typer.Option(help="Only this status.", show_default=False)
    ] = None,
    event_type: Annotated[
        str | None,
        typer.Option("--event-type", help="Only this event type (or ping).", show_default=False),
    ] = None,
) -> None:
    """An endpoint's deliveries, newest first; with DELIVERY_ID, that one with its payload."""
    ctx, out = session.ctx, session.out
    if delivery_id is not None:
        show_one(
            ctx,
            out,
            lambda sdk: sdk.webhooks.deliveries.get(webhook_id, delivery_id),
            DELIVERY_COLUMNS,
        )
        return
    list_page(
        ctx,
        out,
        lambda sdk, size: sdk.webhooks.deliveries.list(
            webhook_id,
            status=status,
            event_type=event_type,
            limit=size,
        ),
        DELIVERY_COLUMNS,
        limit=session.limit,
        all_items=session.all_items,
        empty="No deliveries.",
        spinner="Fetching deliveries…",
    )


@changing()
def redeliver(session: Session, webhook_id: WebhookId, delivery_id: DeliveryId) -> Change:
    """Send a delivery again now (same body and webhook-id), then retry it as usual."""
    deliveries = session.sdk.webhooks.deliveries
    return Change(
        action=f"redeliver delivery {delivery_id} of webhook endpoint {webhook_id}",
        fetch=lambda: deliveries.get(webhook_id, delivery_id),
        after=lambda before: {**before, "status": "pending"},
        call=lambda: deliveries.redeliver(webhook_id, delivery_id),
        spinner="Queueing…",
        columns=DELIVERY_COLUMNS,
    )
