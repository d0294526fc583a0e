"""`platform categories …`: mirrors ``client.categories`` of the SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from platform_cli.context import (
    AllOption,
    LimitOption,
    OutputOption,
    client,
    output,
    page_size,
    take,
)

if TYPE_CHECKING:
    from platform_cli.output import Column

app = typer.Typer(help="Product categories and how many products each has.", no_args_is_help=True)


def columns() -> list[Column]:
    from platform_cli.output import Column

    return [Column("NAME", "name"), Column("PRODUCTS", "product_count")]


@app.command("list")
def list_categories(
    ctx: typer.Context,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List categories by name, with their product counts (no sign-in needed)."""
    out = output(ctx, fmt)
    with client(ctx, authenticated=False) as sdk:
        with out.spinner("Fetching categories…"):
            page = sdk.categories.list(limit=page_size(limit, all_items))
        out.many(take(page, limit, all_items), columns(), empty="No categories.")
