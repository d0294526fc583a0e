"""`platform webhooks deliveries`, `redeliver` and `test`: what was sent to an endpoint."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.actions import list_page, show_one
from platform_cli.commands.webhooks.options import (
    DELIVERY_COLUMNS,
    DeliveryId,
    DeliveryStatus,
    WebhookId,
)
from platform_cli.context import Column
from platform_cli.params import arg, opt
from platform_cli.verbs import Change, Session, changing, verb

TEST_COLUMNS = [
    *DELIVERY_COLUMNS[:4],
    Column("CODE", "response_code"),
    Column("TIME (MS)", "duration_ms"),
    Column("ANSWER", "last_error"),
    Column("DELIVERED", "delivered_at", "time"),
]


@changing()
def test(
    session: Session,
    webhook_id: WebhookId,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Only queue the ping; follow it with `deliveries`.")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds to wait for the attempt.")
    ] = 30,
) -> Change:
    """Send a signed `ping` to the endpoint and show the answer: status, time, body."""
    webhooks = session.sdk.webhooks

    def show(queued: Any) -> None:
        if no_wait:
            session.out.one(queued, DELIVERY_COLUMNS)
            return
        with session.out.spinner("Waiting for the attempt…"):
            attempted = _first_attempt(session, webhook_id, queued, timeout)
        session.out.one(attempted, TEST_COLUMNS)
        if attempted.status == "pending" and attempted.last_error is None:
            session.out.warn(f"no attempt within {timeout:g}s; see `platform webhooks deliveries`")

    return Change(
        action=f"send a test ping to webhook endpoint {webhook_id}",
        fetch=lambda: webhooks.get(webhook_id),
        call=lambda: webhooks.test(webhook_id),
        spinner="Queueing…",
        show=show,
    )


def _first_attempt(session: Session, webhook_id: str, queued: Any, timeout: float) -> Any:
    """The delivery once its first attempt is recorded (or as it is after ``timeout``)."""
    import time

    deliveries = session.sdk.webhooks.deliveries
    deadline = time.monotonic() + timeout
    delay = 0.1
    while True:
        current = deliveries.get(webhook_id, queued.id)
        # ``attempts`` counts from when an attempt starts; its outcome comes with a status,
        # a response code or an error.
        answered = current.response_code is not None or current.last_error is not None
        if current.status != "pending" or answered:
            return current
        if time.monotonic() >= deadline:
            return current
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 1.0)


@verb(pages=True)
def deliveries(
    session: Session,
    webhook_id: WebhookId,
    delivery_id: Annotated[str | None, arg(help="Show this delivery with its payload.")] = None,
    status: Annotated[DeliveryStatus | None, opt(help="Only this status.")] = None,
    event_type: Annotated[
        str | None, opt("--event-type", help="Only this event type (or ping).")
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
            webhook_id, status=status, event_type=event_type, limit=size
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
