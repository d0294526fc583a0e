"""`platform categories …`: mirrors ``client.categories`` of the SDK."""

from __future__ import annotations

import typer

from platform_cli.actions import list_page
from platform_cli.context import AllOption, Column, LimitOption, OutputOption, output

app = typer.Typer(help="Product categories and how many products each has.", no_args_is_help=True)


COLUMNS = [Column("NAME", "name"), Column("PRODUCTS", "product_count")]


@app.command("list")
def list_categories(
    ctx: typer.Context,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List categories by name, with their product counts (no sign-in needed)."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.categories.list(limit=size),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No categories.",
        spinner="Fetching categories…",
        authenticated=False,
    )
