"""`platform products inventory show` and `… ledger`: reading stock."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from platform_cli.commands.products.options import ProductId
from platform_cli.context import columns
from platform_cli.verbs import listing, showing

if TYPE_CHECKING:
    from platform_sdk import Client

COLUMNS = columns(
    "PRODUCT=product_id:id, ON HAND=on_hand, RESERVED=reserved, AVAILABLE=available, "
    "LOW STOCK AT=low_stock_threshold, UPDATED=updated_at:time"
)


LEDGER_COLUMNS = columns(
    "ID=id:id, DELTA=delta, ON HAND AFTER=on_hand_after, KIND=kind, REASON=reason, "
    "ORDER=order_id:id, BY=actor_id:id, WHEN=created_at:time"
)


@showing(COLUMNS)
def show(sdk: Client, product_id: ProductId) -> Any:
    """Units on hand, reserved by orders, and available."""
    from platform_cli.refs import product_id as resolve

    return sdk.products.inventory.get(resolve(sdk, product_id))


@listing(LEDGER_COLUMNS, empty="No stock movements.")
def ledger(sdk: Client, size: int, product_id: ProductId) -> Iterable[Any]:
    """Every change of on-hand stock (initial, adjustments, fulfilled orders), newest first."""
    from platform_cli.refs import product_id as resolve

    return sdk.products.inventory.ledger(resolve(sdk, product_id), limit=size)
