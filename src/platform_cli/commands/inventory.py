"""`platform inventory …`: mirrors ``client.products.inventory`` of the SDK (staff)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from platform_cli.context import (
    AllOption,
    DryRunOption,
    LimitOption,
    OutputOption,
    client,
    output,
    page_size,
    take,
)

if TYPE_CHECKING:
    from platform_cli.output import Column

app = typer.Typer(
    help="Stock of products: show, adjust, and the ledger (staff).", no_args_is_help=True
)

ProductId = Annotated[str, typer.Argument(help="Product id.", show_default=False)]


def columns() -> list[Column]:
    from platform_cli.output import Column

    return [
        Column("PRODUCT", "product_id", "id"),
        Column("ON HAND", "on_hand"),
        Column("RESERVED", "reserved"),
        Column("AVAILABLE", "available"),
        Column("LOW STOCK AT", "low_stock_threshold"),
        Column("UPDATED", "updated_at", "time"),
    ]


def ledger_columns() -> list[Column]:
    from platform_cli.output import Column

    return [
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
    out = output(ctx, fmt)
    with client(ctx) as sdk, out.spinner("Fetching…"):
        level = sdk.products.inventory.get(product_id)
    out.one(level, columns())


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
        from platform_cli.errors import LocalValidationError

        errors = []
        if not -1_000_000 <= delta <= 1_000_000:
            errors.append(("body.delta", "between -1,000,000 and 1,000,000"))
        if not 1 <= len(reason.strip()) <= 500:
            errors.append(("body.reason", "must be 1-500 characters"))
        if errors:
            raise LocalValidationError(errors)
    with client(ctx) as sdk:
        if dry_run:
            with out.spinner("Fetching…"):
                before = sdk.products.inventory.get(product_id).model_dump(mode="json")
            after = {
                **before,
                "on_hand": before["on_hand"] + delta,
                "available": before["available"] + delta,
            }
            if low_stock_threshold is not None:
                after["low_stock_threshold"] = low_stock_threshold
            if after["on_hand"] < before["reserved"]:
                raise LocalValidationError(
                    [
                        (
                            "body.delta",
                            f"on hand would be {after['on_hand']}, below the "
                            f"{before['reserved']} units reserved by orders",
                        )
                    ]
                )
            out.dry_run(
                f"adjust the stock of product {product_id} by {delta:+d} ({reason})",
                before=before,
                after=after,
            )
            return
        with out.spinner("Saving…"):
            level = sdk.products.inventory.adjust(
                product_id, delta=delta, reason=reason, low_stock_threshold=low_stock_threshold
            )
    out.one(level, columns())


@app.command("ledger")
def ledger(
    ctx: typer.Context,
    product_id: ProductId,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """Every change of on-hand stock (initial, adjustments, fulfilled orders), newest first."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        with out.spinner("Fetching…"):
            page = sdk.products.inventory.ledger(product_id, limit=page_size(limit, all_items))
        out.many(take(page, limit, all_items), ledger_columns(), empty="No stock movements.")
