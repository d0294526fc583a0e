"""Synthetic catalog rows for `platform server seed` (benchmarks at a given size).

Names are "<adjective> <noun> <model>" from small word lists, so a two-word search
("red chair") matches about one product in 3,600 whatever the size, and a model
code only its own few; categories hold one product in 40 each. Created times spread
evenly over the period, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.bulk import SeedRows
from platform_server.core.ids import new_ids
from platform_server.inventory import api as inventory
from platform_server.products import repository
from platform_server.products.api import PriceLine

# A paragraph of words reads better than seventy quoted ones.
ADJECTIVES = (  # noqa: SIM905
    "red blue green black white grey amber silver golden copper oak walnut pine maple "
    "linen wool cotton leather canvas steel glass stone marble slate velvet rustic modern "
    "classic compact large small light heavy soft sturdy folding round square tall low "
    "wide slim smart quiet bright dark warm cool vintage nordic urban coastal alpine "
    "desert tropical polar royal simple deluxe premium basic rugged sleek"
).split()
NOUNS = (  # noqa: SIM905
    "chair table lamp sofa desk shelf bench stool cabinet mirror rug vase clock bowl mug "
    "kettle pan pot knife board basket box bag backpack jacket coat shirt scarf hat glove "
    "boot shoe sock belt wallet watch ring bracelet pen notebook folder speaker headset "
    "charger cable router keyboard mouse monitor camera tripod tent lantern bottle flask "
    "blanket pillow towel candle frame planter"
).split()
CATEGORIES = tuple(f"{noun}s" for noun in NOUNS[:40])


@dataclass(frozen=True)
class Seeded:
    """What orders need of the products just made: a sample of the active ones."""

    count: int
    sample: list[PriceLine]


async def seed_chunk(
    session: AsyncSession, made: SeedRows, *, tag: str, sample_size: int
) -> Seeded:
    """The products `made` numbers, their stock levels and ledger: in bulk."""
    rng = made.rng
    ids = new_ids(made.count)
    rows: list[dict[str, Any]] = []
    for number, product_id in zip(made.numbered(), ids, strict=True):
        adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
        at = made.created_at(number)
        rows.append(
            {
                "id": product_id,
                "sku": f"{tag}-{number:08d}",
                "name": f"{adjective.title()} {noun} {tag}{number:x}",
                "description": f"A {adjective} {noun} from the {rng.choice(CATEGORIES)} range.",
                "price": Decimal(rng.randrange(100, 50_000)) / 100,
                "currency": "USD",
                "category": rng.choice(CATEGORIES),
                "attributes": {"colour": adjective},
                "status": "archived" if rng.random() < 0.05 else "active",
                "created_at": at,
                "updated_at": at,
            }
        )
    await repository.load(session, rows)
    levels = [(product_id, rng.randrange(0, 200), 5) for product_id in ids]
    await inventory.load_levels(session, levels, made.created_at(made.first + made.count))
    active = [row for row in rows if row["status"] == "active"]
    picked = rng.sample(active, min(sample_size, len(active)))
    sample = [
        PriceLine(r["id"], r["sku"], r["name"], r["price"], r["currency"], r["status"])
        for r in picked
    ]
    return Seeded(count=made.count, sample=sample)
