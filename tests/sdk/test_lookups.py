"""Looking things up by what people type: a product by SKU, an order by its number,
and the user agent the SDK announces (sync and async)."""

from __future__ import annotations

import uuid

import pytest

from platform_sdk import AsyncClient, Client, NotFoundError, UnprocessableEntityError

Live = tuple[str, tuple[str, str]]


def test_get_by_sku_and_number_sync(live: Live) -> None:
    server_url, (email, password) = live
    run = uuid.uuid4().hex[:10]
    with Client(server_url) as admin:
        admin.auth.login(email=email, password=password)
        product = admin.products.create(
            sku=f"LOOK-{run}", name=f"Lookup {run}", price="3.00", category=f"sdk-{run}", stock=5
        )
        assert admin.products.get_by_sku(f"LOOK-{run}").id == product.id
        order = admin.orders.create(items=[{"product_id": product.id, "quantity": 1}])
        assert order.number >= 1001
        assert admin.orders.get_by_number(order.number).id == order.id
        assert admin.orders.list(id_prefix=str(order.id)[:13]).data[0].id == order.id
        assert [p.id for p in admin.products.list(sku=product.sku).data] == [product.id]

        with pytest.raises(NotFoundError) as missing:
            admin.products.get_by_sku(f"NOPE-{run}")
        assert missing.value.status_code == 404
        assert missing.value.detail == f"No product has the SKU 'NOPE-{run}'."
        assert missing.value.request_id
        with pytest.raises(NotFoundError, match="Order #999999999 does not exist"):
            admin.orders.get_by_number(999_999_999)
        with pytest.raises(UnprocessableEntityError):
            admin.orders.get_by_number(0)


@pytest.mark.anyio
async def test_get_by_sku_and_number_async(live: Live) -> None:
    server_url, (email, password) = live
    run = uuid.uuid4().hex[:10]
    async with AsyncClient(server_url) as admin:
        await admin.auth.login(email=email, password=password)
        product = await admin.products.create(
            sku=f"ALOOK-{run}", name=f"Lookup {run}", price="3.00", category=f"sdk-{run}", stock=5
        )
        assert (await admin.products.get_by_sku(product.sku)).id == product.id
        order = await admin.orders.create(items=[{"product_id": product.id, "quantity": 1}])
        assert (await admin.orders.get_by_number(order.number)).id == order.id
        with pytest.raises(NotFoundError):
            await admin.orders.get_by_number(999_999_999)
