"""Helpers for the commerce tests: unique SKUs and categories, products, orders, payments."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import Account

API = "/api/v1"


def new_sku(tag: str = "sku") -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}"


def new_category(tag: str = "cat") -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}"


class Shop:
    """Staff-side shortcuts (as the admin) bound to one HTTP client."""

    def __init__(self, api: httpx.Client, headers: dict[str, str]) -> None:
        self.api = api
        self.headers = headers

    def product(self, **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "sku": new_sku(),
            "name": "Test product",
            "price": "10.00",
            "category": new_category(),
            "stock": 10,
        }
        body.update(fields)
        response = self.api.post(f"{API}/products", json=body, headers=self.headers)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    def inventory(self, product_id: str) -> dict[str, Any]:
        response = self.api.get(f"{API}/products/{product_id}/inventory", headers=self.headers)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def adjust(self, product_id: str, delta: int, reason: str = "test") -> httpx.Response:
        return self.api.post(
            f"{API}/products/{product_id}/inventory/adjustments",
            json={"delta": delta, "reason": reason},
            headers=self.headers,
        )

    def order(self, buyer: Account, *lines: tuple[str, int], **extra: Any) -> dict[str, Any]:
        response = self.place(buyer, *lines, **extra)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    def place(self, buyer: Account, *lines: tuple[str, int], **extra: Any) -> httpx.Response:
        items = [{"product_id": pid, "quantity": qty} for pid, qty in lines]
        return self.api.post(f"{API}/orders", json={"items": items, **extra}, headers=buyer.headers)

    def pay(
        self,
        buyer: Account,
        order_id: str,
        token: str = "pm_card_ok",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return self.api.post(
            f"{API}/orders/{order_id}/payments",
            json={"payment_method": token},
            headers={**buyer.headers, **(headers or {})},
        )

    def paid_order(
        self, buyer: Account, *lines: tuple[str, int]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        order = self.order(buyer, *lines)
        payment = self.pay(buyer, order["id"])
        assert payment.status_code == 201, payment.text
        return order, payment.json()

    def get_order(self, order_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = self.api.get(f"{API}/orders/{order_id}", headers=headers or self.headers)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def payments(self, order_id: str) -> list[dict[str, Any]]:
        response = self.api.get(
            f"{API}/orders/{order_id}/payments", params={"limit": 100}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        data: list[dict[str, Any]] = response.json()["data"]
        return data


@pytest.fixture
def shop(api: httpx.Client, admin_headers: dict[str, str]) -> Shop:
    return Shop(api, admin_headers)


def all_pages(
    api: httpx.Client, path: str, params: dict[str, Any], headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Every item of a paginated list, following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        response = api.get(path, params=query, headers=headers or {})
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["data"])
        cursor = body["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("pagination did not end")
