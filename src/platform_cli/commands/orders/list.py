"""`platform orders list`, `get` and `history`: reading orders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

from platform_cli.commands.orders.options import COLUMNS, HISTORY_COLUMNS, OrderId, OrderStatus
from platform_cli.context import as_utc, only_option, query_option, time_option
from platform_cli.params import opt
from platform_cli.refs import check_id
from platform_cli.verbs import listing, option, showing

if TYPE_CHECKING:
    from platform_sdk import Client


FILTERS = [
    option("status", only_option(OrderStatus)),
    option(
        "user_id",
        Annotated[str | None, opt("--user-id", help="Only this buyer (staff).", parser=check_id)],
    ),
    option("created_after", time_option("--created-after", "Placed at or after")),
    option("created_before", time_option("--created-before", "Placed before")),
    option("query", query_option("Order id or buyer email.")),
]


@listing(COLUMNS, empty="No orders.", spinner="Fetching orders…", filters=FILTERS)
def list_orders(sdk: Client, size: int, **filters: Any) -> Iterable[Any]:
    """List orders, newest first: your own, or everyone's for staff."""
    return sdk.orders.list(
        status=filters["status"],
        user_id=filters["user_id"],
        created_after=as_utc(filters["created_after"]),
        created_before=as_utc(filters["created_before"]),
        q=filters["query"],
        limit=size,
    )


@showing(COLUMNS)
def get(sdk: Client, order_id: OrderId) -> Any:
    """Show one order with its items."""
    from platform_cli.refs import order_id as resolve

    return sdk.orders.get(resolve(sdk, order_id))


@listing(HISTORY_COLUMNS, empty="No history.")
def history(sdk: Client, size: int, order_id: OrderId) -> Iterable[Any]:
    """Every status change of an order, newest first."""
    from platform_cli.refs import order_id as resolve

    return sdk.orders.history(resolve(sdk, order_id), limit=size)
