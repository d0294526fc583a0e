from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Account
from tests.server.commerce.conftest import API, Shop
from tests.server.commerce.conftest import shop as shop


def upload(
    api: httpx.Client,
    product_id: str,
    data: bytes,
    headers: Any,
    *,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> httpx.Response:
    return api.post(
        f"{API}/products/{product_id}/images",
        files={"file": (filename, data, content_type)},
        headers=headers,
    )


@pytest.fixture
def product(shop: Shop) -> dict[str, Any]:
    return shop.product()


@pytest.fixture
def staff_headers(staff: Account) -> dict[str, str]:
    return dict(staff.headers)
