"""`platform products inventory adjust`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.commands.products.inventory.show import COLUMNS
from platform_cli.commands.products.options import ProductId
from platform_cli.context import check_fields
from platform_cli.params import opt
from platform_cli.verbs import Change, Session, changing


@changing()
def adjust(
    session: Session,
    product_id: ProductId,
    delta: Annotated[
        int, typer.Option("--delta", "-d", help="Units to add (or remove, negative: --delta=-3).")
    ],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (kept in the ledger).")],
    low_stock_threshold: Annotated[
        int | None, opt("--low-stock-threshold", min=0, help="Also set the low-stock level.")
    ] = None,
) -> Change:
    """Add or remove units on hand (never below what orders reserve)."""
    if session.dry_run:
        errors = []
        if not -1_000_000 <= delta <= 1_000_000:
            errors.append(("body.delta", "between -1,000,000 and 1,000,000"))
        if not 1 <= len(reason.strip()) <= 500:
            errors.append(("body.reason", "must be 1-500 characters"))
        check_fields(errors)

    def adjusted(before: dict[str, Any]) -> dict[str, Any]:
        after = {
            **before,
            "on_hand": before["on_hand"] + delta,
            "available": before["available"] + delta,
        }
        if low_stock_threshold is not None:
            after["low_stock_threshold"] = low_stock_threshold
        if after["on_hand"] < before["reserved"]:
            message = (
                f"on hand would be {after['on_hand']}, below the "
                f"{before['reserved']} units reserved by orders"
            )
            check_fields([("body.delta", message)])
        return after

    from platform_cli.refs import product_id as resolve

    inventory = session.sdk.products.inventory
    shown, product_id = product_id, resolve(session.sdk, product_id)
    return Change(
        action=f"adjust the stock of product {shown} by {delta:+d} ({reason})",
        fetch=lambda: inventory.get(product_id),
        after=adjusted,
        call=lambda: inventory.adjust(
            product_id, delta=delta, reason=reason, low_stock_threshold=low_stock_threshold
        ),
        columns=COLUMNS,
    )
