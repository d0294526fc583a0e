"""Every commerce method of the SDK against the live server, sync and async.

Products get unique SKUs and a category of their own per test, so these tests share the
server with other modules without seeing their data. Uses the ``live`` fixture of
``tests/sdk/conftest.py``; without the live server these tests are skipped.
"""

from __future__ import annotations

import io
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from platform_sdk import (
    AsyncClient,
    Client,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OrderItemParam,
    PaymentRequiredError,
    Product,
    RetryPolicy,
    ShippingAddressParam,
    UnprocessableEntityError,
)

Live = tuple[str, tuple[str, str]]

ADDRESS: ShippingAddressParam = {
    "name": "Ada Lovelace",
    "line1": "1 Analytical Way",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
}
NO_WAIT = RetryPolicy(max_retries=2, initial_delay=0.0, jitter=0.0)


def run_id() -> str:
    return uuid.uuid4().hex[:10]


def create_products(client: Client, run: str) -> tuple[Product, Product, Product]:
    """A lamp (19.99, 10 in stock), a bulb (5.00, 3) and a shade (12.50, none)."""
    category = f"sdk-{run}"
    lamp = client.products.create(
        sku=f"LAMP-{run}",
        name=f"Desk lamp {run}",
        price=Decimal("19.99"),
        category=category,
        description="A lamp",
        attributes={"color": "black"},
        stock=10,
    )
    bulb = client.products.create(
        sku=f"BULB-{run}", name=f"Bulb {run}", price="5.00", category=category, stock=3
    )
    shade = client.products.create(
        sku=f"SHADE-{run}", name=f"Shade {run}", price="12.50", category=category
    )
    return lamp, bulb, shade


# -- sync ---------------------------------------------------------------------------------


def test_catalog_and_inventory_sync(live: Live) -> None:
    server_url, (email, password) = live
    run = run_id()
    with Client(server_url) as admin:
        admin.auth.login(email=email, password=password)
        lamp, bulb, shade = create_products(admin, run)
        category = lamp.category
        assert lamp.price == Decimal("19.99") and isinstance(lamp.price, Decimal)
        assert lamp.inventory is not None and lamp.inventory.on_hand == 10
        assert lamp.attributes == {"color": "black"} and lamp.request_id

        # the same idempotency key replays the create instead of failing on the SKU
        key = uuid.uuid4().hex
        again = [
            admin.products.create(
                sku=f"KEY-{run}", name="Key", price="1", category=category, idempotency_key=key
            )
            for _ in range(2)
        ]
        assert again[0].id == again[1].id
        with pytest.raises(ConflictError):
            admin.products.create(sku=f"KEY-{run}", name="Dup", price="1", category=category)

        def ids(**filters: Any) -> list[uuid.UUID]:
            return [p.id for p in admin.products.list(category=category, limit=2, **filters)]

        assert set(ids()) == {lamp.id, bulb.id, shade.id, again[0].id}
        assert ids(min_price="10", sort="price") == [shade.id, lamp.id]
        assert ids(max_price=Decimal("5"), sort="-price") == [bulb.id, again[0].id]
        assert set(ids(in_stock=True)) == {lamp.id, bulb.id}
        assert [p.id for p in admin.products.list(q=f"lamp {run}")] == [lamp.id]

        assert admin.products.get(lamp.id).sku == f"LAMP-{run}"
        updated = admin.products.update(lamp.id, name=f"Desk lamp XL {run}", price="21.50")
        assert (updated.name, updated.price) == (f"Desk lamp XL {run}", Decimal("21.50"))
        archived = admin.products.update(shade.id, status="archived")
        assert archived.status == "archived"
        assert ids(status="archived") == [shade.id]

        rows: list[dict[str, object]] = [
            {"sku": f"NEW-{run}", "name": "New", "price": Decimal("2.25"), "category": category},
            {"sku": f"BULB-{run}", "name": f"Bulb {run}", "price": "4.50", "category": category},
            {"sku": "not a sku!", "name": "Bad", "price": "-1", "category": category},
        ]
        dry = admin.products.batch(items=rows, dry_run=True)
        assert [r.result for r in dry.results] == ["valid", "valid", "error"]
        assert admin.products.list(q=f"NEW-{run}").data == []
        batch = admin.products.batch(items=rows)
        assert (batch.created, batch.updated, batch.failed) == (1, 1, 1)
        assert [r.result for r in batch.results] == ["created", "updated", "error"]
        assert batch.results[2].errors and batch.results[2].id is None
        assert admin.products.get(bulb.id).price == Decimal("4.50")

        categories = {c.name: c.product_count for c in admin.categories.list(limit=100)}
        assert categories[category] >= 4

        assert admin.products.inventory.get(bulb.id).available == 3
        level = admin.products.inventory.adjust(
            bulb.id, delta=7, reason="restock", low_stock_threshold=2
        )
        assert (level.on_hand, level.low_stock_threshold) == (10, 2)
        admin.products.inventory.adjust(bulb.id, delta=-4, reason="damaged")
        ledger = admin.products.inventory.ledger(bulb.id, limit=1)
        assert ledger.has_next_page()
        moves = list(ledger)
        assert [(m.delta, m.reason) for m in moves[:2]] == [(-4, "damaged"), (7, "restock")]
        assert moves[0].on_hand_after == 6
        with pytest.raises(ConflictError):
            admin.products.inventory.adjust(bulb.id, delta=-100, reason="too many")

        recommended = admin.products.recommendations(lamp.id, limit=5)
        assert recommended.next_cursor is None
        assert lamp.id not in {p.id for p in recommended}
        assert bulb.id in {p.id for p in recommended}  # same category, in stock

        assert admin.products.delete(shade.id).result == "deleted"
        with pytest.raises(NotFoundError):
            admin.products.get(shade.id)
        with pytest.raises(NotFoundError):
            admin.products.inventory.get(uuid.uuid4())
        with pytest.raises(NotFoundError):
            admin.products.recommendations(uuid.uuid4())


def test_order_payment_invoice_refund_sync(live: Live, tmp_path: Path) -> None:
    server_url, (email, password) = live
    run = run_id()
    with Client(server_url) as admin:
        admin.auth.login(email=email, password=password)
        lamp, bulb, _shade = create_products(admin, run)
        items: list[OrderItemParam] = [
            {"product_id": lamp.id, "quantity": 2},
            {"product_id": str(bulb.id), "quantity": 1},
        ]
        order = admin.orders.create(items=items, shipping_address=ADDRESS)
        assert order.status == "pending" and order.request_id
        assert order.total == Decimal("44.98")
        assert [(i.sku, i.subtotal) for i in order.items] == [
            (f"LAMP-{run}", Decimal("39.98")),
            (f"BULB-{run}", Decimal("5.00")),
        ]
        assert order.shipping_address and order.shipping_address["country"] == "GB"
        assert admin.products.inventory.get(lamp.id).reserved == 2
        assert [o.id for o in admin.orders.list(q=str(order.id))] == [order.id]
        assert order.id in {o.id for o in admin.orders.list(status="pending", limit=100)}
        assert admin.orders.get(order.id).total == order.total

        with pytest.raises(ConflictError):  # not paid yet: no invoice
            admin.orders.invoice(order.id)

        with pytest.raises(PaymentRequiredError) as declined:
            admin.orders.payments.create(order.id, payment_method="pm_card_declined")
        assert declined.value.decline_code == "card_declined"
        assert declined.value.payment is not None
        assert declined.value.payment.status == "failed"
        assert declined.value.body["payment"]["failure_code"] == "card_declined"  # type: ignore[index]
        assert admin.orders.get(order.id).status == "pending"

        # a provider failure is a 502: raised at once without retries ...
        with pytest.raises(InternalServerError) as failed:
            admin.with_options(max_retries=0).orders.payments.create(
                order.id, payment_method="pm_card_error"
            )
        assert failed.value.status_code == 502
        # ... and otherwise retried with the same Idempotency-Key before it is raised
        sent: list[httpx.Request] = []
        with (
            httpx.Client(event_hooks={"request": [sent.append]}) as http,
            Client(
                server_url, access_token=admin.access_token, retry=NO_WAIT, http_client=http
            ) as retrying,
            pytest.raises(InternalServerError),
        ):
            retrying.orders.payments.create(order.id, payment_method="pm_card_error")
        keys = [r.headers["idempotency-key"] for r in sent]
        assert len(keys) == 1 + NO_WAIT.max_retries and len(set(keys)) == 1
        assert admin.orders.get(order.id).status == "pending"

        payment = admin.orders.payments.create(order.id, payment_method="pm_card_ok")
        assert (payment.status, payment.amount) == ("succeeded", order.total)
        assert admin.orders.get(order.id).status == "paid"
        again = admin.payments.get(payment.id)
        assert (again.id, again.currency, again.refunded_amount) == (
            payment.id,
            payment.currency,
            0,
        )
        statuses = [p.status for p in admin.orders.payments.list(order.id)]
        assert statuses.count("succeeded") == 1 and statuses.count("failed") >= 1

        invoice = admin.orders.invoice(order.id)
        assert invoice.order_id == order.id and invoice.number
        assert (invoice.total, invoice.amount_paid) == (order.total, order.total)
        assert invoice.payment_status == "paid" and invoice.buyer.email
        assert [line.subtotal for line in invoice.lines] == [i.subtotal for i in order.items]
        pdf = admin.orders.invoice_pdf(order.id)
        assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
        raw = admin.with_raw_response.orders.invoice_pdf(order.id)
        assert raw.headers["content-type"] == "application/pdf" and raw.parse() == pdf

        partial = admin.payments.refunds.create(payment.id, amount=Decimal("10.00"), reason="dent")
        assert (partial.amount, partial.reason, partial.order_id) == (
            Decimal("10.00"),
            "dent",
            order.id,
        )
        after = admin.orders.invoice(order.id)  # as issued: refunds get credit notes
        assert (after.payment_status, after.amount_refunded) == ("paid", Decimal(0))
        note = admin.payments.refunds.credit_note(payment.id, partial.id)
        assert note.number.startswith("CN-") and note.invoice_number == invoice.number
        assert (note.amount, note.currency, note.reason) == (Decimal("10.00"), "USD", "dent")
        saved = admin.payments.refunds.download_credit_note(payment.id, partial.id, tmp_path / "cn")
        assert (tmp_path / "cn").read_bytes().startswith(b"%PDF") and saved.etag
        assert saved.filename == f"{note.number}.pdf"
        got = admin.orders.download_invoice(order.id, tmp_path / "inv.pdf")
        assert (tmp_path / "inv.pdf").read_bytes() == pdf and got.size_bytes == len(pdf)
        rest = admin.payments.refunds.create(payment.id)
        assert rest.amount == order.total - Decimal("10.00")
        assert admin.orders.get(order.id).status == "refunded"
        # Listed newest first, each with its reference and credit note; every page walked.
        listed = list(admin.payments.refunds.list(payment.id, limit=1))
        assert [r.id for r in listed] == [rest.id, partial.id]
        assert [r.reference for r in listed] == [f"#{order.number}-R2", f"#{order.number}-R1"]
        assert listed[1].credit_note_number == note.number
        attempts = admin.orders.payments.list(order.id).data  # a declined one came first
        assert sorted(p.reference or "" for p in attempts) == [
            f"#{order.number}-P{n}" for n in range(1, len(attempts) + 1)
        ]
        with pytest.raises(NotFoundError):
            admin.payments.refunds.list(uuid.uuid4())
        with pytest.raises(NotFoundError):
            admin.payments.refunds.credit_note(payment.id, uuid.uuid4())
        with pytest.raises(UnprocessableEntityError):  # nothing left to refund
            admin.payments.refunds.create(payment.id, amount="1.00")

        history = admin.orders.history(order.id, limit=1)
        assert [t.to_status for t in history] == ["refunded", "paid", "pending"]
        with pytest.raises(NotFoundError):
            admin.orders.get(uuid.uuid4())
        with pytest.raises(NotFoundError):
            admin.payments.refunds.create(uuid.uuid4())

        # ordered products are archived, not deleted
        assert admin.products.delete(lamp.id).result == "archived"


def test_order_lifecycle_sync(live: Live) -> None:
    server_url, (email, password) = live
    run = run_id()
    with Client(server_url) as admin:
        admin.auth.login(email=email, password=password)
        lamp, bulb, _shade = create_products(admin, run)

        with pytest.raises(ConflictError) as short:
            admin.orders.create(items=[{"product_id": bulb.id, "quantity": 4}])
        assert str(bulb.id) in str(short.value.body)

        order = admin.orders.create(items=[{"product_id": lamp.id, "quantity": 3}])
        admin.orders.payments.create(order.id, payment_method="pm_card_ok")
        assert admin.orders.fulfill(order.id).status == "fulfilled"
        assert admin.products.inventory.get(lamp.id).on_hand == 7
        shipped = admin.orders.ship(order.id, carrier="DHL", tracking_number=f"TRK{run}")
        assert (shipped.status, shipped.carrier, shipped.tracking_number) == (
            "shipped",
            "DHL",
            f"TRK{run}",
        )
        assert admin.orders.deliver(order.id).status == "delivered"
        with pytest.raises(ConflictError):
            admin.orders.cancel(order.id)
        history = [(t.from_status, t.to_status) for t in admin.orders.history(order.id)]
        assert history == [
            ("shipped", "delivered"),
            ("fulfilled", "shipped"),
            ("paid", "fulfilled"),
            ("pending", "paid"),
            (None, "pending"),
        ]
        kinds = [m.kind for m in admin.products.inventory.ledger(lamp.id)]
        assert len(kinds) >= 2  # the initial stock and the shipment

        pending = admin.orders.create(items=[{"product_id": bulb.id, "quantity": 2}])
        assert admin.products.inventory.get(bulb.id).available == 1
        cancelled = admin.orders.cancel(pending.id, note="changed my mind")
        assert cancelled.status == "cancelled"
        assert admin.products.inventory.get(bulb.id).available == 3
        assert next(iter(admin.orders.history(pending.id))).note == "changed my mind"
        with pytest.raises(ConflictError):
            admin.orders.fulfill(pending.id)


# -- async --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_catalog_and_inventory_async(live: Live) -> None:
    server_url, (email, password) = live
    run = run_id()
    category = f"sdk-async-{run}"
    async with AsyncClient(server_url) as admin:
        await admin.auth.login(email=email, password=password)
        lamp = await admin.products.create(
            sku=f"ALAMP-{run}", name=f"Lamp {run}", price="30", category=category, stock=5
        )
        bulb = await admin.products.create(
            sku=f"ABULB-{run}", name=f"Bulb {run}", price=Decimal("2.5"), category=category
        )
        page = await admin.products.list(category=category, limit=1, sort="-price")
        assert [p.id async for p in page] == [lamp.id, bulb.id]
        assert [p.id async for p in await admin.products.list(q=f"bulb {run}")] == [bulb.id]
        found = await admin.products.list(category=category, in_stock=True, max_price="50")
        assert [p.id for p in found.data] == [lamp.id]
        assert (await admin.products.get(bulb.id)).price == Decimal("2.50")
        assert (await admin.products.update(bulb.id, description="bright")).description == "bright"

        batch = await admin.products.batch(
            items=[
                {"sku": f"ANEW-{run}", "name": "New", "price": "1", "category": category},
                {"sku": f"ANEW2-{run}", "price": "1"},  # no name, no category
            ]
        )
        assert (batch.created, batch.failed) == (1, 1)
        assert batch.results[1].result == "error" and batch.results[1].errors

        names = {c.name async for c in await admin.categories.list(limit=50)}
        assert category in names

        level = await admin.products.inventory.adjust(bulb.id, delta=4, reason="first delivery")
        assert level.available == 4
        assert (await admin.products.inventory.get(bulb.id)).on_hand == 4
        moves = [m async for m in await admin.products.inventory.ledger(bulb.id)]
        assert moves[0].reason == "first delivery" and moves[0].actor_id is not None

        recommended = await admin.products.recommendations(lamp.id, limit=2)
        assert [p.id async for p in recommended] != [] and recommended.next_cursor is None

        removed = await admin.products.delete(bulb.id)
        assert (removed.id, removed.result) == (bulb.id, "deleted")
        with pytest.raises(NotFoundError):
            await admin.products.get(bulb.id)


@pytest.mark.anyio
async def test_orders_and_payments_async(live: Live, tmp_path: Path) -> None:
    server_url, (email, password) = live
    run = run_id()
    async with AsyncClient(server_url) as admin:
        await admin.auth.login(email=email, password=password)
        product = await admin.products.create(
            sku=f"AITEM-{run}", name=f"Item {run}", price="7.25", category=f"sdk-{run}", stock=4
        )
        with pytest.raises(ConflictError):
            await admin.orders.create(items=[{"product_id": product.id, "quantity": 5}])
        order = await admin.orders.create(
            items=[{"product_id": product.id, "quantity": 2}], shipping_address=ADDRESS
        )
        assert order.total == Decimal("14.50")

        with pytest.raises(PaymentRequiredError) as declined:
            await admin.orders.payments.create(
                order.id, payment_method="pm_card_insufficient_funds"
            )
        assert declined.value.decline_code == "insufficient_funds"
        assert (await admin.orders.get(order.id)).status == "pending"
        with pytest.raises(InternalServerError):
            await admin.with_options(max_retries=0).orders.payments.create(
                order.id, payment_method="pm_card_error"
            )

        payment = await admin.orders.payments.create(order.id, payment_method="pm_card_ok")
        assert payment.status == "succeeded"
        listed = await admin.orders.payments.list(order.id)
        assert payment.id in {p.id for p in listed.data}
        assert (await admin.orders.invoice(order.id)).total == Decimal("14.50")
        assert (await admin.orders.invoice_pdf(order.id)).startswith(b"%PDF")

        refund = await admin.payments.refunds.create(payment.id, amount="4.50", reason="late")
        assert refund.amount == Decimal("4.50")
        note = await admin.payments.refunds.credit_note(payment.id, refund.id)
        assert (note.amount, note.refund_id) == (Decimal("4.50"), refund.id)
        sink = io.BytesIO()  # a binary file object
        saved = await admin.payments.refunds.download_credit_note(payment.id, refund.id, sink)
        assert saved.path is None and sink.getvalue().startswith(b"%PDF")
        got = await admin.orders.download_invoice(order.id, tmp_path / "invoice.pdf")
        assert got.content_type == "application/pdf" and got.size_bytes > 0
        await admin.payments.refunds.create(payment.id)
        assert (await admin.orders.get(order.id)).status == "refunded"
        first = await admin.payments.refunds.list(payment.id, limit=1)  # awaited: a page
        assert [r.amount for r in first.data] == [Decimal("10.00")] and first.next_cursor
        walked = [r async for r in admin.payments.refunds.list(payment.id, limit=1)]
        assert [r.credit_note_number for r in walked][1] == note.number
        with pytest.raises(NotFoundError):
            await admin.payments.refunds.list(uuid.uuid4())

        second = await admin.orders.create(items=[{"product_id": product.id, "quantity": 1}])
        await admin.orders.payments.create(second.id, payment_method="pm_card_ok")
        assert (await admin.orders.fulfill(second.id)).status == "fulfilled"
        await admin.orders.ship(second.id, carrier="UPS", tracking_number="1Z999")
        assert (await admin.orders.deliver(second.id)).status == "delivered"
        transitions = [t.to_status async for t in await admin.orders.history(second.id, limit=2)]
        assert transitions == ["delivered", "shipped", "fulfilled", "paid", "pending"]

        third = await admin.orders.create(items=[{"product_id": product.id, "quantity": 1}])
        assert (await admin.orders.cancel(third.id)).status == "cancelled"
        mine = await admin.orders.list(q=str(third.id), status="cancelled")
        assert [o.id for o in mine.data] == [third.id]

        with pytest.raises(NotFoundError):
            await admin.orders.history(uuid.uuid4())
        with pytest.raises(NotFoundError):
            await admin.orders.invoice_pdf(uuid.uuid4())
