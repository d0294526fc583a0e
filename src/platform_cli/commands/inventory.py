"""`platform inventory …`: mirrors ``client.products.inventory`` of the SDK (staff)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.actions import change, list_page, show_one
from platform_cli.context import (
    AllOption,
    Column,
    DryRunOption,
    LimitOption,
    OutputOption,
    check_fields,
    client,
    output,
)

app = typer.Typer(
    help="Stock of products: show, adjust, and the ledger (staff).", no_args_is_help=True
)

ProductId = Annotated[str, typer.Argument(help="Product id.", show_default=False)]


COLUMNS = [
    Column("PRODUCT", "product_id", "id"),
    Column("ON HAND", "on_hand"),
    Column("RESERVED", "reserved"),
    Column("AVAILABLE", "available"),
    Column("LOW STOCK AT", "low_stock_threshold"),
    Column("UPDATED", "updated_at", "time"),
]


LEDGER_COLUMNS = [
    Column("ID", "id", "id"),
    Column("DELTA", "delta"),
    Column("ON HAND AFTER", "on_hand_after"),
    Column("KIND", "kind"),
    Column("REASON", "reason"),
    Column("ORDER", "order_id", "id"),
    Column("BY", "actor_id", "id"),
    Column("WHEN", "created_at", "time"),
]


@app.command("show")
def show(ctx: typer.Context, product_id: ProductId, fmt: OutputOption = None) -> None:
    """Units on hand, reserved by orders, and available."""
    show_one(ctx, output(ctx, fmt), lambda sdk: sdk.products.inventory.get(product_id), COLUMNS)


@app.command("adjust")
def adjust(
    ctx: typer.Context,
    product_id: ProductId,
    delta: Annotated[
        int, typer.Option("--delta", "-d", help="Units to add (or remove, negative: --delta=-3).")
    ],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (kept in the ledger).")],
    low_stock_threshold: Annotated[
        int | None,
        typer.Option(
            "--low-stock-threshold", min=0, help="Also set the low-stock level.", show_default=False
        ),
    ] = None,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Add or remove units on hand (never below what orders reserve)."""
    out = output(ctx, fmt)
    if dry_run:
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

    with client(ctx) as sdk:
        change(
            out,
            action=f"adjust the stock of product {product_id} by {delta:+d} ({reason})",
            fetch=lambda: sdk.products.inventory.get(product_id),
            after=adjusted,
            call=lambda: sdk.products.inventory.adjust(
                product_id, delta=delta, reason=reason, low_stock_threshold=low_stock_threshold
            ),
            show=lambda level: out.one(level, COLUMNS),
            dry_run=dry_run,
        )


@app.command("ledger")
def ledger(
    ctx: typer.Context,
    product_id: ProductId,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """Every change of on-hand stock (initial, adjustments, fulfilled orders), newest first."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.products.inventory.ledger(product_id, limit=size),
        LEDGER_COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No stock movements.",
    )
