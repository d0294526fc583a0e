"""`categories.rename` against the live server, sync and async: the products move, a
rename into a category with products needs `merge`, an unknown one is not found."""

from __future__ import annotations

import uuid

import pytest

from platform_sdk import AsyncClient, Client, ConflictError, NotFoundError

Live = tuple[str, tuple[str, str]]


def test_rename_sync(live: Live) -> None:
    server_url, (email, password) = live
    run = uuid.uuid4().hex[:10]
    old, new, other = f"sdk-typo-{run}", f"sdk-fixed-{run}", f"sdk-other-{run}"
    with Client(server_url) as admin:
        admin.auth.login(email=email, password=password)
        lamp = admin.products.create(sku=f"RN-{run}", name="Lamp", price="9", category=old)
        admin.products.create(sku=f"RO-{run}", name="Rug", price="9", category=other)

        category = admin.categories.rename(old, new)

        assert (category.name, category.product_count) == (new, 1)
        assert admin.products.get(lamp.id).category == new
        with pytest.raises(ConflictError):
            admin.categories.rename(new, other)
        merged = admin.categories.rename(new, other, merge=True)
        assert (merged.name, merged.product_count) == (other, 2)
        with pytest.raises(NotFoundError) as missing:
            admin.categories.rename(old, f"sdk-none-{run}")
        assert missing.value.status_code == 404


@pytest.mark.anyio
async def test_rename_async(live: Live) -> None:
    server_url, (email, password) = live
    run = uuid.uuid4().hex[:10]
    old, new = f"sdk-atypo-{run}", f"sdk-afixed-{run}"
    async with AsyncClient(server_url) as admin:
        await admin.auth.login(email=email, password=password)
        lamp = await admin.products.create(sku=f"ARN-{run}", name="Lamp", price="9", category=old)

        category = await admin.categories.rename(old, new)

        assert (category.name, category.product_count) == (new, 1)
        assert (await admin.products.get(lamp.id)).category == new
        with pytest.raises(NotFoundError):
            await admin.categories.rename(old, new)
