"""`platform products list` and `platform products search`: one query, two defaults."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.commands.products.options import COLUMNS, FILTERS, Sort, sort_option
from platform_cli.verbs import listing

if TYPE_CHECKING:
    from platform_sdk import Client


def _page(
    sdk: Client, size: int, q: str | None, sort: Sort | None, **filters: Any
) -> Iterable[Any]:
    return sdk.products.list(q=q, **filters, sort=sort.value if sort else None, limit=size)


_LISTING: dict[str, Any] = {
    "empty": "No products.",
    "spinner": "Fetching products…",
    "authenticated": False,
}


@listing(COLUMNS, **_LISTING, filters=[*FILTERS, sort_option("Order (default: newest first).")])
def list_products(sdk: Client, size: int, **filters: Any) -> Iterable[Any]:
    """List products, newest first (staff also see archived ones)."""
    return _page(sdk, size, None, **filters)


@listing(COLUMNS, **_LISTING, filters=[*FILTERS, sort_option("Order (default: relevance).")])
def search(
    sdk: Client,
    size: int,
    query: Annotated[str, typer.Argument(help="Words to find in name, description or SKU.")],
    **filters: Any,
) -> Iterable[Any]:
    """Full-text search (every word; the last also as a prefix), best matches first."""
    return _page(sdk, size, query, **{**filters, "sort": filters["sort"] or Sort.relevance})
