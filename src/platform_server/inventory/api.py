"""The inventory domain's public interface: what other domains may call.

Stock crosses the line as `InventoryOut` (a pydantic model), and as queries of product
ids (`ids_with_stock`, `low_stock_ids`) or stock columns (`stock_view`) that the
products domain filters or joins its own statements by, so a product list stays one
query without products reading this table itself.
"""

from __future__ import annotations

from platform_server.inventory.counts import CountResult, set_counts
from platform_server.inventory.repository import ids_with_stock, low_stock_ids, stock_view
from platform_server.inventory.schemas import InventoryOut
from platform_server.inventory.service import (
    create_level,
    create_levels,
    inventory_from_row,
    levels_for,
    load_levels,
    release,
    remove,
    reserve,
    ship_reserved,
)

__all__ = [
    "CountResult",
    "InventoryOut",
    "create_level",
    "create_levels",
    "ids_with_stock",
    "inventory_from_row",
    "levels_for",
    "load_levels",
    "low_stock_ids",
    "release",
    "remove",
    "reserve",
    "set_counts",
    "ship_reserved",
    "stock_view",
]
