"""Fixed data at the SDK boundary, for snapshot tests only.

An object with the async methods of ``AsyncClient`` the dashboard calls, returning SDK
model instances built from fixed values (fixed ids, fixed times), so screenshots do not
change from run to run. Behaviour is tested against the real server instead.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import httpx

from platform_sdk import (
    AsyncPage,
    Event,
    Inventory,
    Movement,
    Order,
    OrderTransition,
    Payment,
    Product,
    Profile,
    Session,
    User,
)
from platform_sdk.errors import ConflictError, PlatformError
from platform_sdk.models import Overview, RefundListed

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def fixed_id(kind: int, n: int) -> uuid.UUID:
    return uuid.UUID(f"{n:04x}{kind:04x}-0000-4000-8000-{n:012x}")


def _page(items: Iterable[Any]) -> AsyncPage[Any]:
    async def no_more(cursor: str) -> AsyncPage[Any]:
        raise AssertionError("the fake has a single page")

    return AsyncPage(list(items), None, no_more)


USERS = [
    User(
        id=fixed_id(1, i),
        email=email,
        name=name,
        role=role,
        status=status,
        created_at=NOW - timedelta(days=30 - i),
        updated_at=NOW - timedelta(days=2),
    )
    for i, (email, name, role, status) in enumerate(
        [
            ("admin@example.com", "Ada Admin", "admin", "active"),
            ("sam@example.com", "Sam Staff", "staff", "active"),
            ("alice@example.com", "Alice Buyer", "customer", "active"),
            ("bob@example.com", "Bob Buyer", "customer", "active"),
            ("carol@example.com", "Carol Buyer", "customer", "suspended"),
        ]
    )
]

PRODUCTS = [
    Product(
        id=fixed_id(2, i),
        sku=sku,
        name=name,
        description=f"A {name.lower()} for the snapshot tests.",
        price=Decimal(price),
        currency="EUR",
        category=category,
        attributes={"colour": colour},
        status="active",
        inventory=Inventory(
            product_id=fixed_id(2, i),
            on_hand=on_hand,
            reserved=reserved,
            available=on_hand - reserved,
            low_stock_threshold=5,
            updated_at=NOW - timedelta(hours=1),
        ),
        created_at=NOW - timedelta(days=10 - i),
        updated_at=NOW - timedelta(days=1),
    )
    for i, (sku, name, price, category, colour, on_hand, reserved) in enumerate(
        [
            ("LAMP-1", "Desk lamp", "19.99", "lighting", "white", 40, 2),
            ("MUG-2", "Coffee mug", "8.50", "kitchen", "blue", 3, 1),
            ("CHAIR-3", "Oak chair", "149.00", "furniture", "oak", 12, 0),
            ("KNIFE-4", "Chef knife", "64.65", "kitchen", "black", 0, 0),
        ]
    )
]

STATUSES = [
    "pending",
    "paid",
    "fulfilled",
    "shipped",
    "delivered",
    "cancelled",
    "refunded",
    "pending",
    "paid",
    "expired",
]


def _order(i: int, status: str) -> Order:
    buyer = USERS[2 + i % 3]
    lines = [(PRODUCTS[i % 4], 1 + i % 2), (PRODUCTS[(i + 1) % 4], 1)]
    items = [
        {
            "product_id": p.id,
            "sku": p.sku,
            "name": p.name,
            "quantity": q,
            "price": p.price,
            "subtotal": p.price * q,
        }
        for p, q in lines
    ]
    total = sum((p.price * q for p, q in lines), Decimal("0"))
    created = NOW - timedelta(minutes=17 * i + 3)
    return Order.model_validate(
        {
            "id": fixed_id(3, i),
            "number": 1001 + i,
            "user_id": buyer.id,
            "user_email": buyer.email,
            "status": status,
            "items": items,
            "total": total,
            "currency": "EUR",
            "shipping_address": {
                "name": buyer.name,
                "line1": f"{i + 1} Main Street",
                "city": "Lyon",
                "postal_code": "69001",
                "country": "FR",
            },
            "carrier": "DHL" if status in {"shipped", "delivered"} else None,
            "tracking_number": f"JD0146{i:04d}" if status in {"shipped", "delivered"} else None,
            "expires_at": created + timedelta(minutes=30) if status == "pending" else None,
            "created_at": created,
            "updated_at": created + timedelta(minutes=2),
        }
    )


ORDERS = [_order(i, status) for i, status in enumerate(STATUSES)]

PATH = ["pending", "paid", "fulfilled", "shipped", "delivered"]


def _history(order: Order) -> list[OrderTransition]:
    steps: list[str] = ["pending"]
    if order.status in PATH:
        steps = PATH[: PATH.index(order.status) + 1]
    elif order.status == "refunded":
        steps = ["pending", "paid", "refunded"]
    else:
        steps = ["pending", order.status]
    transitions = []
    for n, (before, after) in enumerate(zip([None, *steps], steps, strict=False)):
        transitions.append(
            OrderTransition(
                id=fixed_id(4, n),
                order_id=order.id,
                from_status=before,
                to_status=after,
                note="changed my mind" if after == "cancelled" else None,
                created_at=order.created_at + timedelta(minutes=n),
            )
        )
    return list(reversed(transitions))


def _payments(order: Order) -> list[Payment]:
    if order.status in {"pending", "cancelled", "expired"}:
        return []
    return [
        Payment(
            id=fixed_id(5, int(order.id.int & 0xFFFF)),
            reference=f"#{order.number}-P1",
            order_id=order.id,
            amount=order.total,
            currency="EUR",
            status="succeeded",
            payment_method="pm_card_ok",
            gateway="sandbox",
            refunded_amount=order.total if order.status == "refunded" else Decimal("0"),
            created_at=order.created_at + timedelta(minutes=1),
        )
    ]


def _refunds(payment: Payment, order: Order) -> list[RefundListed]:
    if payment.refunded_amount <= 0:
        return []
    return [
        RefundListed(
            id=fixed_id(6, int(order.id.int & 0xFFFF)),
            reference=f"#{order.number}-R1",
            payment_id=payment.id,
            order_id=order.id,
            amount=payment.refunded_amount,
            currency=payment.currency,
            reason="damaged in transit",
            created_at=payment.created_at + timedelta(hours=2),
            credit_note_number=f"CN-{int(order.id.int & 0xFFF):06d}",
        )
    ]


def _event(n: int, event_type: str, order: Order) -> Event:
    return Event.model_validate(
        {
            "id": fixed_id(6, n),
            "type": event_type,
            "resource_type": "order",
            "resource_id": str(order.id),
            "actor": {"id": USERS[0].id, "email": USERS[0].email} if n % 3 == 0 else None,
            "data": order.model_dump(mode="json"),
            "created_at": NOW - timedelta(seconds=40 * n + 5),
            "position": 1000 - n,
            "published_at": NOW - timedelta(seconds=40 * n + 4),
        }
    )


EVENTS = [
    _event(n, f"order.{'created' if order.status == 'pending' else order.status}", order)
    for n, order in enumerate(ORDERS)
]

OVERVIEW = Overview.model_validate(
    {
        "generated_at": NOW,
        "day_start": NOW.replace(hour=0),
        "orders_today": 42,
        "revenue_today": [
            {"currency": "EUR", "amount": "1234.50"},
            {"currency": "USD", "amount": "99.00"},
        ],
        "pending_orders": 7,
        "low_stock_products": 3,
        "new_users_today": 5,
        "failed_notifications": 1,
        "failed_webhook_deliveries": 0,
        "trends": {
            "since": NOW - timedelta(hours=23),
            "hours": 24,
            "orders": [0, 0, 1, 0, 0, 0, 1, 2, 3, 5, 4, 6, 3, 2, 4, 5, 3, 1, 0, 0, 1, 0, 0, 1],
            "revenue": [str(v * 10) for v in [0, 0, 1, 0, 0, 0, 1, 2, 3, 5, 4, 6, 3, 2, 4, 5]]
            + ["3", "1", "0", "0", "1", "0", "0", "1"],
            "revenue_currency": "EUR",
            "new_users": [0] * 20 + [1, 2, 1, 1],
            "failed_notifications": [0] * 23 + [1],
            "failed_webhook_deliveries": [0] * 24,
        },
    }
)


def _find(items: list[Any], key: Any) -> Any:
    for item in items:
        if str(item.id) == str(key):
            return item
    raise PlatformError(f"not found: {key}")


class FakeClient:
    """Just enough of ``AsyncClient`` for the dashboard, with fixed answers."""

    base_url = "http://platform.example:8000"

    def __init__(self) -> None:
        self.orders = SimpleNamespace(
            list=self._orders,
            get=self._order,
            history=self._history,
            payments=SimpleNamespace(list=self._payments),
            invoice=self._invoice,
        )
        self.products = SimpleNamespace(
            list=self._products,
            get=self._product,
            inventory=SimpleNamespace(get=self._inventory, ledger=self._ledger),
        )
        self.users = SimpleNamespace(
            list=self._users,
            get=self._user,
            me=self._me,
            profile=SimpleNamespace(get=self._profile),
        )
        self.payments = SimpleNamespace(refunds=SimpleNamespace(list=self._refunds))
        self.events = SimpleNamespace(list=self._events, get=self._event, stream=self._stream)
        self.stats = SimpleNamespace(overview=self._overview)
        self.notifications = SimpleNamespace(list=self._empty, get=self._missing)
        self.audit = SimpleNamespace(list=self._empty, get=self._missing)
        self.webhooks = SimpleNamespace(list=self._empty, get=self._missing)
        self.auth = SimpleNamespace(sessions=SimpleNamespace(list=self._sessions))
        self.health = SimpleNamespace(live=self._empty)

    def with_options(self, **options: Any) -> FakeClient:
        return self

    async def close(self) -> None:
        return None

    async def _orders(self, **params: Any) -> AsyncPage[Order]:
        status = params.get("status")
        return _page(o for o in ORDERS if status is None or o.status == status)

    async def _order(self, order_id: Any) -> Order:
        return _find(ORDERS, order_id)  # type: ignore[no-any-return]

    async def _history(self, order_id: Any, **params: Any) -> AsyncPage[OrderTransition]:
        return _page(_history(_find(ORDERS, order_id)))

    async def _invoice(self, order_id: Any) -> Any:
        order = _find(ORDERS, order_id)
        if not _payments(order):
            problem = {"status": 409, "detail": f"Order {order.id} is {order.status}."}
            response = httpx.Response(409, json=problem, request=httpx.Request("GET", "/"))
            raise ConflictError(response=response, body=problem)
        number = int(order.id.int & 0xFFF)
        return SimpleNamespace(
            number=f"INV-{number:06d}", issued_at=order.created_at + timedelta(minutes=1)
        )

    async def _payments(self, order_id: Any, **params: Any) -> AsyncPage[Payment]:
        return _page(_payments(_find(ORDERS, order_id)))

    async def _refunds(self, payment_id: Any, **params: Any) -> AsyncPage[RefundListed]:
        for order in ORDERS:
            for payment in _payments(order):
                if str(payment.id) == str(payment_id):
                    return _page(_refunds(payment, order))
        return _page([])

    async def _products(self, **params: Any) -> AsyncPage[Product]:
        return _page(PRODUCTS)

    async def _product(self, product_id: Any) -> Product:
        return _find(PRODUCTS, product_id)  # type: ignore[no-any-return]

    async def _inventory(self, product_id: Any) -> Inventory:
        product = _find(PRODUCTS, product_id)
        return product.inventory  # type: ignore[no-any-return]

    async def _ledger(self, product_id: Any, **params: Any) -> AsyncPage[Movement]:
        return _page([])

    async def _users(self, **params: Any) -> AsyncPage[User]:
        return _page(USERS)

    async def _user(self, user_id: Any) -> User:
        return _find(USERS, user_id)  # type: ignore[no-any-return]

    async def _me(self) -> User:
        return USERS[0]

    async def _profile(self, user_id: Any) -> Profile:
        return Profile(user_id=user_id, location="Lyon")

    async def _events(self, **params: Any) -> AsyncPage[Event]:
        resource = params.get("resource_id")
        return _page(e for e in EVENTS if resource is None or e.resource_id == str(resource))

    async def _event(self, event_id: Any) -> Event:
        return _find(EVENTS, event_id)  # type: ignore[no-any-return]

    async def _stream(self, **params: Any) -> AsyncIterator[Event]:
        await asyncio.Event().wait()  # nothing happens in a snapshot
        yield EVENTS[0]

    async def _overview(self) -> Overview:
        return OVERVIEW

    async def _sessions(self, **params: Any) -> AsyncPage[Session]:
        return _page([])

    async def _empty(self, *args: Any, **params: Any) -> AsyncPage[Any]:
        return _page([])

    async def _missing(self, *args: Any, **params: Any) -> Any:
        raise PlatformError("not in the fake")
