"""`platform categories list`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from platform_cli.context import Column
from platform_cli.verbs import listing

if TYPE_CHECKING:
    from platform_sdk import Client

COLUMNS = [Column("NAME", "name"), Column("PRODUCTS", "product_count")]


@listing(COLUMNS, empty="No categories.", spinner="Fetching categories…", authenticated=False)
def list_categories(sdk: Client, size: int) -> Iterable[Any]:
    """List categories by name, with their product counts (no sign-in needed)."""
    return sdk.categories.list(limit=size)
