"""Synthetic order history for `platform server seed`: orders that are over and done
(paid to delivered, cancelled, refunded), so none holds stock or waits to expire.
Each has one to three lines, its total, and the transition that created it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.bulk import SeedRows
from platform_server.core.ids import new_ids
from platform_server.orders import repository
from platform_server.products.api import PriceLine

# Status and its share of orders.
_STATUSES = (
    ("delivered", 50),
    ("shipped", 15),
    ("paid", 15),
    ("fulfilled", 5),
    ("cancelled", 10),
    ("refunded", 5),
)
_CARRIED = {"shipped", "delivered"}


async def seed_chunk(
    session: AsyncSession,
    made: SeedRows,
    *,
    customers: Sequence[tuple[uuid.UUID, str]],
    products: Sequence[PriceLine],
) -> None:
    """The orders `made` numbers, by (id, email) `customers`, for `products`."""
    rng, count = made.rng, made.count
    statuses = rng.choices([s for s, _ in _STATUSES], weights=[w for _, w in _STATUSES], k=count)
    orders: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    transitions: list[dict[str, Any]] = []
    ids = new_ids(count)
    item_ids = iter(new_ids(count * 4))  # up to three lines and a transition each
    for number, order_id, status in zip(made.numbered(), ids, statuses, strict=True):
        at = made.created_at(number)
        user_id, email = rng.choice(customers)
        lines = rng.sample(products, min(len(products), rng.randint(1, 3)))
        total = Decimal(0)
        for position, product in enumerate(lines):
            quantity = rng.randint(1, 3)
            subtotal = product.price * quantity
            total += subtotal
            items.append(
                {
                    "id": next(item_ids),
                    "order_id": order_id,
                    "product_id": product.id,
                    "sku": product.sku,
                    "name": product.name,
                    "quantity": quantity,
                    "price": product.price,
                    "subtotal": subtotal,
                    "position": position,
                }
            )
        carried = status in _CARRIED
        orders.append(
            {
                "id": order_id,
                "user_id": user_id,
                "user_email": email,
                "status": status,
                "total": total,
                "currency": "USD",
                "shipping_address": {
                    "name": "Seeded Customer",
                    "line1": f"{rng.randint(1, 999)} Main Street",
                    "city": "Springfield",
                    "postal_code": f"{rng.randint(10000, 99999)}",
                    "country": "US",
                },
                "carrier": "UPS" if carried else None,
                "tracking_number": f"1Z{order_id.hex[:16].upper()}" if carried else None,
                "expires_at": None,
                "created_at": at,
                "updated_at": at,
            }
        )
        transitions.append(
            {
                "id": next(item_ids),
                "order_id": order_id,
                "from_status": None,
                "to_status": "pending",
                "actor_id": user_id,
                "note": None,
                "created_at": at,
            }
        )
    await repository.load(session, orders, items, transitions)
