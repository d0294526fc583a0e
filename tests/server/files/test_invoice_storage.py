"""Stored invoices across restarts: storage down when the order is paid (the payment
stands, the invoice is a 503 until storage is back, then stored on its first read),
a changed seller address that changes no issued invoice; and on S3 (moto), stored when
paid and served through a presigned redirect when allowed."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import assert_problem
from tests.s3_server import running_s3
from tests.server.commerce.conftest import API
from tests.server.conftest import own_server
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, live_server, make_settings, prepare_database
from tests.servers import test_database as scratch_database


def admin(api: httpx.Client) -> dict[str, str]:
    answer = api.post(f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def paid_order(api: httpx.Client, headers: dict[str, str]) -> str:
    body = {"sku": "INV-STORE-1", "name": "Kept", "price": "5.00", "category": "Files", "stock": 5}
    product = api.post(f"{API}/products", json=body, headers=headers).json()["id"]
    order = api.post(
        f"{API}/orders", json={"items": [{"product_id": product, "quantity": 1}]}, headers=headers
    ).json()["id"]
    paid = api.post(
        f"{API}/orders/{order}/payments", json={"payment_method": "pm_card_ok"}, headers=headers
    )
    assert paid.status_code == 201, paid.text
    return str(order)


def test_storage_down_then_back_and_a_new_seller_address(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("storage cannot write under a file")
    with scratch_database(tmp_path) as url:
        down = make_settings(tmp_path, url, storage_dir=blocked)
        prepare_database(down)
        with live_server(down) as live, httpx.Client(base_url=live.url) as api:
            headers = admin(api)
            order = paid_order(api, headers)  # paid although its documents could not be stored
            answer = api.get(f"{API}/orders/{order}/invoice", headers=headers)
            assert "storage" in assert_problem(answer, 503)["detail"].lower()
        back = make_settings(tmp_path, url, seller_address="1 First Street")
        with live_server(back) as live, httpx.Client(base_url=live.url) as api:
            headers = admin(api)
            first = api.get(f"{API}/orders/{order}/invoice", headers=headers)
            assert first.status_code == 200, first.text
        moved = make_settings(tmp_path, url, seller_address="2 Second Avenue")
        with live_server(moved) as live, httpx.Client(base_url=live.url) as api:
            headers = admin(api)
            again = api.get(f"{API}/orders/{order}/invoice", headers=headers)
            assert (again.content, again.headers["etag"]) == (first.content, first.headers["etag"])
            seller = api.get(
                f"{API}/orders/{order}/invoice", headers={**headers, "Accept": "application/json"}
            ).json()["seller"]
            assert seller["address"] == "1 First Street"


def test_invoices_on_s3_with_presigned_redirects(tmp_path: Path) -> None:
    with running_s3() as s3:
        bucket = s3.new_bucket()
        with (
            own_server(tmp_path, s3_presign=True, **s3.settings(bucket)) as live,
            httpx.Client(base_url=live.url) as api,
        ):
            headers = admin(api)
            order = paid_order(api, headers)
            keys = [o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket)["Contents"]]
            assert len(keys) == 2 and all(k.startswith("invoices/") for k in keys)  # PDF, JSON
            redirect = api.get(f"{API}/orders/{order}/invoice", headers=headers)
            assert redirect.status_code == 307
            assert redirect.headers["location"].startswith(s3.endpoint_url)
            followed = httpx.get(redirect.headers["location"])
            assert followed.status_code == 200 and followed.content.startswith(b"%PDF")
            # JSON is answered directly, never redirected.
            as_json = api.get(
                f"{API}/orders/{order}/invoice", headers={**headers, "Accept": "application/json"}
            )
            assert as_json.status_code == 200 and as_json.json()["lines"][0]["name"] == "Kept"
