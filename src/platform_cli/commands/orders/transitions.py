"""`platform orders cancel|fulfill|ship|deliver`: one status change each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from platform_cli.commands.orders.options import COLUMNS, OrderId
from platform_cli.params import opt
from platform_cli.refs import order_id as resolve
from platform_cli.verbs import Change, Session, changing


def _transition(
    session: Session,
    order_id: str,
    action: str,
    to_status: str,
    call: Callable[[str], Any],
    **extra: Any,
) -> Change:
    """A before/after diff on dry runs; ``extra`` fields change along with the status.
    ``call`` gets the order's id (``order_id`` may be ``#1001`` or a prefix)."""
    orders = session.sdk.orders
    resolved = resolve(session.sdk, order_id)
    return Change(
        action=f"{action} order {order_id}",
        fetch=lambda: orders.get(resolved),
        after=lambda before: {**before, "status": to_status, **extra},
        call=lambda: call(resolved),
        columns=COLUMNS,
    )


@changing(confirm=True)
def cancel(
    session: Session,
    order_id: OrderId,
    note: Annotated[str | None, opt("--note", help="Why (kept in the history).")] = None,
) -> Change:
    """Cancel an order and release its stock; staff cancelling a paid one refund it in full."""
    call = lambda oid: session.sdk.orders.cancel(oid, note=note)  # noqa: E731
    return _transition(session, order_id, "cancel", "cancelled", call)


@changing()
def fulfill(session: Session, order_id: OrderId) -> Change:
    """Mark a paid order fulfilled (staff); its units leave stock."""
    call = lambda oid: session.sdk.orders.fulfill(oid)  # noqa: E731
    return _transition(session, order_id, "fulfill", "fulfilled", call)


@changing()
def ship(
    session: Session,
    order_id: OrderId,
    carrier: Annotated[str, typer.Option("--carrier", help="Carrier name, e.g. DHL.")],
    tracking_number: Annotated[str, typer.Option("--tracking-number", help="Tracking number.")],
) -> Change:
    """Mark a fulfilled order shipped (staff)."""
    call = lambda oid: session.sdk.orders.ship(  # noqa: E731
        oid, carrier=carrier, tracking_number=tracking_number
    )
    shipment = {"carrier": carrier, "tracking_number": tracking_number}
    return _transition(session, order_id, "ship", "shipped", call, **shipment)


@changing()
def deliver(session: Session, order_id: OrderId) -> Change:
    """Mark a shipped order delivered (staff)."""
    call = lambda oid: session.sdk.orders.deliver(oid)  # noqa: E731
    return _transition(session, order_id, "deliver", "delivered", call)
