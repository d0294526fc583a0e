"""The server on an S3 bucket (moto's S3 API on a loopback port): the same uploads
and downloads, presigned redirects when allowed, and a 503 when S3 is down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import assert_problem
from tests.images import picture
from tests.s3_server import S3Server, running_s3
from tests.server.commerce.conftest import API
from tests.server.conftest import own_server
from tests.server.files.conftest import upload
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with running_s3() as server:
        yield server


def admin(api: httpx.Client) -> dict[str, str]:
    answer = api.post(f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def new_product(api: httpx.Client, headers: dict[str, str], sku: str) -> str:
    body = {"sku": sku, "name": "On S3", "price": "5.00", "category": "S3"}
    return str(api.post(f"{API}/products", json=body, headers=headers).json()["id"])


def test_images_on_s3_with_presigned_redirects(s3: S3Server, tmp_path: Path) -> None:
    bucket = s3.new_bucket()
    server = own_server(tmp_path, s3_presign=True, **s3.settings(bucket))
    with server as live, httpx.Client(base_url=live.url) as api:
        headers = admin(api)
        product_id = new_product(api, headers, "S3-1")
        image = upload(api, product_id, picture(), headers)
        assert image.status_code == 201, image.text
        keys = [o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket)["Contents"]]
        assert len(keys) == 3 and all(k.startswith("images/") for k in keys)
        redirect = api.get(image.json()["url"])
        assert redirect.status_code == 307
        assert redirect.headers["location"].startswith(s3.endpoint_url)
        followed = httpx.get(redirect.headers["location"])
        assert followed.status_code == 200
        assert followed.headers["content-type"] == "image/jpeg"
        assert (
            api.delete(
                f"{API}/products/{product_id}/images/{image.json()['id']}", headers=headers
            ).status_code
            == 204
        )
        assert s3.client().list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_s3_down_is_a_503_and_nothing_is_recorded(s3: S3Server, tmp_path: Path) -> None:
    settings = {**s3.settings("gone"), "s3_endpoint_url": "http://127.0.0.1:9", "s3_retries": 0}
    with own_server(tmp_path, **settings) as live, httpx.Client(base_url=live.url) as api:
        headers = admin(api)
        product_id = new_product(api, headers, "S3-2")
        answer = upload(api, product_id, picture(), headers)
        body = assert_problem(answer, 503)
        assert "storage" in body["detail"].lower()
        assert answer.headers["retry-after"] == "5"
        listed = api.get(f"{API}/products/{product_id}/images").json()["data"]
        assert listed == []
