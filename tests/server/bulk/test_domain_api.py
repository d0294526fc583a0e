"""What the bulk kinds call in the owning domains (`<domain>/api.py`), against the run's
server and database: counts into the ledger, prices, shipping, invitations, and the
keyset-paged export readers. Set-up goes through HTTP, as a client would."""

from __future__ import annotations

import asyncio
import itertools
import re
import uuid
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import text

from platform_server.audit import api as audit
from platform_server.auth import api as auth
from platform_server.core.database import Database
from platform_server.core.pagination import chunks
from platform_server.core.permissions import permissions_for
from platform_server.core.principal import Principal
from platform_server.events import api as events
from platform_server.inventory import api as inventory
from platform_server.orders import api as orders
from platform_server.products import api as products
from platform_server.users import api as users
from tests.conftest import Account
from tests.server.commerce.conftest import API, Shop, new_sku
from tests.server.conftest import login, unique_email
from tests.servers import LiveServer

T = TypeVar("T")


@pytest.fixture
def run(server: LiveServer) -> Iterator[Callable[[Callable[[Database], Awaitable[T]]], T]]:
    """Runs `work(db)` on a Database of the test server's own settings."""

    def go(work: Callable[[Database], Awaitable[T]]) -> T:
        async def main() -> T:
            db = Database(server.settings)
            try:
                return await work(db)
            finally:
                await db.dispose()

        return asyncio.run(main())

    yield go


def admin_principal(admin: Account) -> Principal:
    return Principal(uuid.UUID(admin.id), admin.email, "admin", permissions_for("admin"))


def ledger(shop: Shop, product_id: str) -> list[dict[str, Any]]:
    response = shop.api.get(
        f"{API}/products/{product_id}/inventory/adjustments",
        params={"limit": 100},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def test_set_counts_records_each_change_in_the_ledger(
    shop: Shop, customer: Account, admin_account: Account, run: Any
) -> None:
    counted, same, held = (shop.product(stock=10) for _ in range(3))
    shop.order(customer, (held["id"], 4))  # 4 of `held` are reserved
    actor = admin_principal(admin_account)
    wanted = {uuid.UUID(counted["id"]): 25, uuid.UUID(same["id"]): 10}
    wanted |= {uuid.UUID(held["id"]): 3, (missing := uuid.uuid4()): 1}

    async def count(db: Database, dry_run: bool) -> dict[uuid.UUID, inventory.CountResult]:
        async with db.transaction() as session:
            return await inventory.set_counts(
                session, wanted, reason="bulk job 42", actor=actor, dry_run=dry_run
            )

    dry = run(lambda db: count(db, True))
    assert dry[uuid.UUID(counted["id"])].outcome == "valid"
    assert shop.inventory(counted["id"])["on_hand"] == 10  # a dry run writes nothing

    results = run(lambda db: count(db, False))
    assert results[uuid.UUID(counted["id"])] == inventory.CountResult(
        uuid.UUID(counted["id"]), "updated", 10, 25
    )
    assert results[uuid.UUID(same["id"])].outcome == "unchanged"
    assert results[uuid.UUID(held["id"])].outcome == "error"
    assert "below the 4 units reserved" in str(results[uuid.UUID(held["id"])].error)
    assert results[missing].error == "no inventory record for this product"
    assert shop.inventory(counted["id"])["on_hand"] == 25
    assert shop.inventory(held["id"])["on_hand"] == 10
    newest = ledger(shop, counted["id"])[0]
    assert (newest["kind"], newest["delta"], newest["on_hand_after"]) == ("count", 15, 25)
    assert newest["reason"] == "bulk job 42"
    assert newest["actor_id"] == admin_account.id
    assert [m["kind"] for m in ledger(shop, same["id"])] == ["initial"]


def test_two_counts_of_the_same_products_at_once_lose_no_update(
    shop: Shop, admin_account: Account, run: Any
) -> None:
    items = [shop.product(stock=5) for _ in range(3)]
    ids = [uuid.UUID(p["id"]) for p in items]
    actor = admin_principal(admin_account)

    async def both(db: Database) -> None:
        async def job(name: str, value: int) -> None:
            async with db.transaction() as session:
                counts = dict.fromkeys(ids, value)
                await inventory.set_counts(session, counts, reason=name, actor=actor)

        await asyncio.gather(job("job A", 20), job("job B", 30))

    run(both)
    for product in items:
        moves = ledger(shop, product["id"])
        assert {m["reason"] for m in moves[:2]} == {"job A", "job B"}
        # Each delta starts from the count the other left: the chain adds up.
        chain = list(reversed(moves))
        for before, after in itertools.pairwise(chain):
            assert before["on_hand_after"] + after["delta"] == after["on_hand_after"]
        assert shop.inventory(product["id"])["on_hand"] == moves[0]["on_hand_after"]


def test_set_prices_by_sku(shop: Shop, admin_account: Account, run: Any) -> None:
    priced, kept = shop.product(price="10.00"), shop.product(price="7.50")
    actor = admin_principal(admin_account)
    unknown = new_sku("nope")
    prices = {
        priced["sku"]: (Decimal("1234.567"), "JPY"),
        kept["sku"]: (Decimal("7.5"), "USD"),
        unknown: (Decimal("1"), "USD"),
    }

    async def work(db: Database) -> tuple[dict[str, Any], dict[str, uuid.UUID]]:
        async with db.transaction() as session:
            done = await products.set_prices(session, prices, reason="job 7", actor=actor)
        async with db.transaction(write=False) as session:
            ids = await products.ids_by_sku(session, [priced["sku"], unknown])
        return done, ids

    results, ids = run(work)
    assert [results[s].outcome for s in prices] == ["updated", "unchanged", "error"]
    assert results[unknown].error == "no product has this SKU"
    assert ids == {priced["sku"]: uuid.UUID(priced["id"])}
    now = shop.api.get(f"{API}/products/{priced['id']}", headers=shop.headers).json()
    assert (now["price"], now["currency"]) == ("1235", "JPY")  # rounded to the yen


def test_stock_rows_stream_in_keyset_chunks(shop: Shop, run: Any) -> None:
    made = [shop.product(stock=n) for n in (1, 2, 3)]
    wanted = {p["sku"] for p in made}

    async def read(db: Database) -> list[products.StockRow]:
        return [row async for row in chunks(db, products.stock_page, size=2)]

    rows = run(read)
    mine = [r for r in rows if r.sku in wanted]
    assert [(r.sku, r.on_hand, r.available) for r in mine] == [
        (p["sku"], n, n) for p, n in zip(made, (1, 2, 3), strict=True)
    ]
    assert len({r.product_id for r in rows}) == len(rows)  # no row read twice


def test_ship_paid_orders(shop: Shop, customer: Account, admin_account: Account, run: Any) -> None:
    product = shop.product(stock=10)
    paid, _ = shop.paid_order(customer, (product["id"], 2))
    pending = shop.order(customer, (product["id"], 1))
    actor = admin_principal(admin_account)

    async def ship(db: Database, order_id: str, dry_run: bool = False) -> orders.ShipResult:
        async with db.transaction() as session:
            return await orders.ship_paid(
                session, uuid.UUID(order_id), "DHL", "TRK1", actor, dry_run=dry_run
            )

    assert run(lambda db: ship(db, paid["id"], True)).outcome == "valid"
    assert shop.get_order(paid["id"])["status"] == "paid"
    done = run(lambda db: ship(db, paid["id"]))
    assert (done.outcome, done.status) == ("updated", "shipped")
    shipped = shop.get_order(paid["id"])
    assert (shipped["carrier"], shipped["tracking_number"]) == ("DHL", "TRK1")
    assert shop.inventory(product["id"])["on_hand"] == 8  # fulfilment took the stock
    assert run(lambda db: ship(db, paid["id"])).outcome == "unchanged"  # a file sent twice
    refused = run(lambda db: ship(db, pending["id"]))
    assert (refused.outcome, refused.status) == ("error", "pending")
    assert "only paid or fulfilled orders can ship" in str(refused.error)
    gone = str(uuid.uuid4())
    assert run(lambda db: ship(db, gone)).error == f"Order {gone} does not exist."


def test_order_export_has_items_and_filters(shop: Shop, customer: Account, run: Any) -> None:
    product = shop.product(stock=10)
    paid, _ = shop.paid_order(customer, (product["id"], 2))
    pending = shop.order(customer, (product["id"], 1))
    since = orders.OrderFilters(created_after=paid["created_at"])

    async def read(db: Database, filters: orders.OrderFilters) -> list[orders.OrderOut]:
        def page(session: Any, page: Any) -> Any:
            return orders.export_page(session, filters, page)

        return [o async for o in chunks(db, page, size=1)]

    every = run(lambda db: read(db, since))
    assert [str(o.id) for o in every][:2] == [paid["id"], pending["id"]]  # oldest first
    assert [(i.sku, i.quantity) for i in every[0].items] == [(product["sku"], 2)]
    only_paid = run(lambda db: read(db, since.model_copy(update={"status": "paid"})))
    assert paid["id"] in {str(o.id) for o in only_paid}
    assert {o.status for o in only_paid} == {"paid"}


def test_users_events_and_audit_export_oldest_first(run: Any) -> None:
    async def read(db: Database) -> tuple[list[Any], list[Any], list[Any]]:
        def user_page(session: Any, page: Any) -> Any:
            return users.export_page(session, page, users.UserFilters(role="admin"))

        def event_page(session: Any, page: Any) -> Any:
            return events.export_page(session, page, events.EventFilters(types=["user.created"]))

        def audit_page(session: Any, page: Any) -> Any:
            return audit.export_page(session, page, audit.AuditFilters(action="user"))

        return (
            [u async for u in chunks(db, user_page, size=2)],
            [e async for e in chunks(db, event_page, size=3)],
            [a async for a in chunks(db, audit_page, size=3)],
        )

    admins, created, audited = run(read)
    assert admins and {u.role for u in admins} == {"admin"}
    assert not any("password" in field for field in users.UserOut.model_fields)
    for found in (admins, created, audited):
        keys = [(item.created_at, item.id) for item in found]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert {e.type for e in created} == {"user.created"}
    assert all(a.action.startswith("user.") for a in audited)


def test_invite_sends_a_set_password_code(
    api: httpx.Client, server: LiveServer, admin_account: Account, run: Any
) -> None:
    email = unique_email("invited")
    actor = admin_principal(admin_account)

    async def invite(db: Database) -> tuple[uuid.UUID | None, str]:
        async with db.transaction() as session:
            user_id = await auth.invite(
                session, server.settings, email=email, name="Ivy", role="staff", actor=actor
            )
        async with db.transaction(write=False) as session:
            body = await session.scalar(
                text("SELECT body_text FROM notifications WHERE recipient = :e"), {"e": email}
            )
        return user_id, str(body)

    user_id, body = run(invite)
    assert user_id is not None
    token = re.search(r"--token (\S+)", body)
    assert token, body
    assert login(api, email, "anything-at-all-1").status_code == 401  # no password yet
    confirm = {"token": token.group(1), "new_password": "first-password-81"}
    assert api.post(f"{API}/auth/password-reset/confirm", json=confirm).status_code == 204
    signed_in = login(api, email, "first-password-81")
    assert signed_in.status_code == 200, signed_in.text
    again, _ = run(invite)
    assert again is None  # the address has an account: nothing changed, nothing sent
