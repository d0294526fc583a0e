"""Product images are part of the product: every change to them is a `product.updated`
event with the new set. An upload is a create, so it honours `Idempotency-Key`, bound
to the file's name and content."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.images import picture
from tests.server.commerce.conftest import API
from tests.server.files.conftest import upload


def updates_of(api: httpx.Client, product_id: str, headers: Any) -> list[dict[str, Any]]:
    """The product's `product.updated` events, oldest first."""
    answer = api.get(
        f"{API}/events",
        params={"type": "product.updated", "resource_id": product_id, "limit": 100},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return list(reversed(answer.json()["data"]))


def image_ids(event: dict[str, Any]) -> list[str]:
    return [image["id"] for image in event["data"]["images"]]


def test_every_image_change_is_a_product_update(
    api: httpx.Client, product: dict[str, Any], staff: Account
) -> None:
    base = f"{API}/products/{product['id']}/images"
    first = upload(api, product["id"], picture(), staff.headers).json()["id"]
    second = upload(api, product["id"], picture("PNG"), staff.headers).json()["id"]
    assert api.post(f"{base}/{second}/primary", headers=staff.headers).status_code == 200
    assert api.delete(f"{base}/{first}", headers=staff.headers).status_code == 204

    updates = updates_of(api, product["id"], staff.headers)
    assert [image_ids(e) for e in updates] == [
        [first],
        [first, second],
        [second, first],  # the primary one first
        [second],
    ]
    assert updates[-1]["data"]["images"][0]["is_primary"]


def test_a_retried_upload_adds_the_image_once(
    api: httpx.Client, product: dict[str, Any], staff: Account
) -> None:
    key = {"Idempotency-Key": f"image-{uuid.uuid4()}", **staff.headers}
    sent = picture()
    first = upload(api, product["id"], sent, key)
    assert first.status_code == 201, first.text
    again = upload(api, product["id"], sent, key)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    listed = api.get(f"{API}/products/{product['id']}/images").json()["data"]
    assert [image["id"] for image in listed] == [first.json()["id"]]

    # The same key with another file, or the same bytes under another name, is refused.
    other = upload(api, product["id"], picture("PNG"), key)
    assert_problem(other, 422, field="Idempotency-Key")
    renamed = upload(api, product["id"], sent, key, filename="other.jpg")
    assert_problem(renamed, 422, field="Idempotency-Key")
    assert len(api.get(f"{API}/products/{product['id']}/images").json()["data"]) == 1
