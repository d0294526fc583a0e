"""A believable demo catalog (a few hundred products) and orders in every status."""

from __future__ import annotations

import random
import tomllib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import get_args

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.database import Database
from platform_server.core.errors import Conflict
from platform_server.core.permissions import Role
from platform_server.core.principal import Principal
from platform_server.invoices import service as invoices
from platform_server.orders import service as orders
from platform_server.orders.schemas import OrderCreate, OrderItemIn, OrderStatus, ShippingAddress
from platform_server.payments import service as payments
from platform_server.payments.gateway import SandboxGateway
from platform_server.payments.models import Payment
from platform_server.products import service as catalog
from platform_server.products.models import Product
from platform_server.products.schemas import ProductCreate
from platform_server.users import api as users


@dataclass(frozen=True)
class _Category:
    nouns: list[str]
    # Each noun comes in every trait: "merino wool" + "Wool socks".
    traits: list[str]
    # [lowest, highest]: prices are drawn between them, in whole units.
    prices: list[int]


# The catalog's categories, colours and the customers' addresses are data (demo_data.toml).
_DATA = tomllib.loads(Path(__file__).with_name("demo_data.toml").read_text(encoding="utf-8"))
_CATALOG = {name: _Category(**category) for name, category in _DATA["categories"].items()}
_COLOURS: list[str] = _DATA["colours"]
# Every order ships to a complete address.
_ADDRESSES = [ShippingAddress(**address) for address in _DATA["addresses"]]
# Every status an order can be in, in the order the status machine reaches them.
STATUSES: tuple[str, ...] = get_args(OrderStatus)
# Tries per order: a pick of products may be short of stock (some have none).
_TRIES = 20


def product_name(trait: str, noun: str) -> str:
    """``merino wool`` + ``Wool socks`` → ``Merino wool socks``: a word of the noun that
    the trait already says is not said twice."""
    said = {word.lower() for word in trait.split()}
    rest = [word.lower() for word in noun.split() if word.lower() not in said]
    return " ".join([trait.capitalize(), *rest])


def _products(rng: random.Random) -> list[ProductCreate]:
    items: list[ProductCreate] = []
    for category, kind in _CATALOG.items():
        low, high = kind.prices
        for noun in kind.nouns:
            for trait in kind.traits:
                colour = rng.choice(_COLOURS)
                sku = f"DEMO-{category[:3].upper()}-{len(items) + 1:04d}"
                items.append(
                    ProductCreate(
                        sku=sku,
                        name=f"{product_name(trait, noun)}, {colour}",
                        description=f"A {trait} {noun.lower()} in {colour}. Part of our "
                        f"{category} range, made to last.",
                        price=Decimal(rng.randint(low * 100, high * 100)) / 100,
                        category=category,
                        attributes={"colour": colour, "trait": trait},
                        stock=rng.choice([0, 2, 8, 25, 60, 150]),
                        low_stock_threshold=5,
                    )
                )
    originals = len(items)
    for i in range(originals, 300):  # fill to a few hundred with size variants
        base = items[(i * 7) % originals]
        items.append(
            base.model_copy(
                update={
                    "sku": f"{base.sku}-V{i}",
                    "name": f"{base.name}, size {rng.choice('SML')}{i}",
                }
            )
        )
    return items


def _principal(user_id: uuid.UUID, email: str, role: Role) -> Principal:
    return Principal.of_role(user_id, email, role.value)


async def seed_commerce(db: Database, admin_email: str, customer_emails: list[str]) -> None:
    """Adds nothing when the demo catalog is already there."""
    rng = random.Random(20261125)  # noqa: S311 (demo data, not secrets: repeatable on purpose)
    async with db.transaction() as session:
        if await session.scalar(select(Product.id).where(Product.sku.like("DEMO-%")).limit(1)):
            return
        admin_user = await users.find_by_email(session, admin_email)
        assert admin_user is not None
        admin = _principal(admin_user.id, admin_user.email, Role.ADMIN)
        # One multi-row insert, as a batch import does: seconds faster than one by one.
        await catalog.insert_many(session, _products(rng), admin)
    async with db.transaction() as session:
        stocked = list(
            await session.scalars(
                select(Product).where(Product.sku.like("DEMO-%")).order_by(Product.sku)
            )
        )
        customers = []
        for email in customer_emails:
            user = await users.find_by_email(session, email)
            if user is not None:
                customers.append(_principal(user.id, user.email, Role.CUSTOMER))
        await _orders_in_every_status(session, rng, admin, customers, stocked)


async def _orders_in_every_status(
    session: AsyncSession,
    rng: random.Random,
    admin: Principal,
    customers: list[Principal],
    products: list[Product],
) -> None:
    gateway = SandboxGateway()
    refund_all = payments.make_refund_all(gateway)
    plan = list(STATUSES) * 3
    for index, target in enumerate(plan):
        buyer = customers[index % len(customers)]
        address = _ADDRESSES[index % len(customers) % len(_ADDRESSES)]
        for _ in range(_TRIES):
            picks = rng.sample(products, 3)
            lines = [OrderItemIn(product_id=p.id, quantity=1) for p in picks]
            data = OrderCreate(items=lines, shipping_address=address)
            try:
                async with session.begin_nested():  # a short pick rolls back only this order
                    created = await orders.create_order(session, data, buyer, 30)
            except Conflict:
                continue
            break
        else:
            continue
        order = await orders.get_order(session, created.id, admin)
        if target == "pending":
            continue
        if target == "expired":
            await orders.transition(session, order, "expired", None, "demo")
            continue
        if target == "cancelled":
            await orders.cancel(session, order, buyer, "changed my mind", refund_all)
            continue
        payment = await payments.pay(session, gateway, order.id, "pm_card_ok", buyer, None)
        await invoices.issue(session, order.id, order.user_email)
        if target == "refunded":
            assert isinstance(payment, Payment)
            await payments.refund(session, gateway, payment.id, None, "demo", admin)
            continue
        for step in ("fulfilled", "shipped", "delivered"):
            if STATUSES.index(target) < STATUSES.index(step):
                break
            if step == "fulfilled":
                await orders.fulfill(session, order, admin)
            elif step == "shipped":
                await orders.ship(session, order, admin, "UPS", f"1Z{rng.randint(10**9, 10**10)}")
            else:
                await orders.transition(session, order, "delivered", admin.user_id)
