"""Checked by ``tests/sdk/test_typing.py`` with ``mypy --strict`` (never imported by pytest).

A comment ``# E: <code>`` marks the statement below it: mypy must refuse that statement with
that error code, and must accept every unmarked one. Request bodies are TypedDicts, so a
misspelt key is caught before the request is sent; async lists are awaitable (the first
page) and async-iterable (every item); the ``progress`` of a download or an upload, and an
upload's ``filename``, are keywords checked like the others.
"""

from typing import assert_type

from platform_sdk import (
    AsyncClient,
    AsyncPage,
    Client,
    Downloaded,
    Order,
    OrderItemParam,
    Product,
    ProductBatchItemParam,
    ProductImage,
    Profile,
    ShippingAddressParam,
    SyncPage,
    User,
)


def request_bodies(client: Client) -> None:
    order = client.orders.create(items=[{"product_id": "p", "quantity": 2}])
    assert_type(order, Order)
    # E: typeddict-unknown-key
    client.orders.create(items=[{"product_id": "p", "qty": 2}])
    # E: typeddict-item
    client.orders.create(items=[{"product_id": "p"}])
    # E: typeddict-unknown-key
    line: OrderItemParam = {"product_id": "p", "quantity": 1, "price": "9"}
    address: ShippingAddressParam = {
        "name": "A",
        "line1": "1",
        "city": "O",
        "postal_code": "0",
        "country": "NO",
    }
    client.orders.create(items=[line], shipping_address=address)
    # E: typeddict-unknown-key
    wrong: ShippingAddressParam = {"name": "A", "line1": "1", "city": "O", "zip": "0"}
    client.products.batch(items=[{"sku": "S", "name": "N", "price": "1.00", "category": "c"}])
    # E: typeddict-unknown-key
    row: ProductBatchItemParam = {"sku": "S", "name": "N", "price": "1", "category": "c", "x": 1}
    client.products.batch(items=[row], dry_run=True)
    del wrong


async def async_lists(client: AsyncClient) -> None:
    page = await client.users.list(limit=2)
    assert_type(page, AsyncPage[User])
    async for user in client.users.list(role="staff"):
        assert_type(user, User)
    async for product in await client.products.list():
        assert_type(product, Product)
    # E: attr-defined
    for _ in client.users.list():
        pass


def sync_lists(client: Client) -> None:
    assert_type(client.users.list(), SyncPage[User])


def downloads(client: Client) -> None:
    got = client.orders.download_invoice("o", "invoice.pdf", progress=lambda done, total: None)
    assert_type(got, Downloaded)
    client.products.images.download("p", "i", "image.png", variant="200", progress=None)
    # E: arg-type
    client.bulk.jobs.result("j", "export.csv", progress="bar")
    # E: call-arg
    client.users.avatar.download("u", "avatar.png", progres=None)


def uploads(client: Client) -> None:
    image = client.products.images.add("p", "lamp.jpg", filename="l.jpg", idempotency_key="k")
    assert_type(image, ProductImage)
    assert_type(client.users.avatar.set("me.png", progress=lambda done, total: None), Profile)
    # E: arg-type
    client.bulk.imports.create("products", "products.csv", filename=3)
    # E: call-arg
    client.users.avatar.set_for("u", "me.png", idempotency_key="k")
