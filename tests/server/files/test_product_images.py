"""Product images over HTTP: upload, variants, serving, order, primary, delete."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.images import has_exif, picture, size_of
from tests.server.commerce.conftest import API, Shop
from tests.server.files.conftest import upload


def test_an_upload_is_stored_with_variants_and_no_exif(
    api: httpx.Client, product: dict[str, Any], staff: Account
) -> None:
    sent = picture("JPEG", (1200, 900), gps=True)
    assert has_exif(sent)
    answer = upload(api, product["id"], sent, staff.headers, filename="../../etc/passwd.jpg")
    assert answer.status_code == 201, answer.text
    image = answer.json()
    assert image["content_type"] == "image/jpeg"
    assert (image["width"], image["height"], image["is_primary"]) == (1200, 900, True)
    assert image["filename"] == "passwd.jpg"
    assert {v["name"]: (v["width"], v["height"]) for v in image["variants"]} == {
        "800": (800, 600),
        "200": (200, 150),
    }
    original = api.get(image["url"])  # no sign-in: an active product's image is public
    assert original.status_code == 200
    assert original.headers["content-type"] == "image/jpeg"
    assert "immutable" in original.headers["cache-control"]
    assert original.headers["content-disposition"].startswith('inline; filename="passwd.jpg"')
    assert size_of(original.content) == (1200, 900)
    assert not has_exif(original.content)
    assert int(original.headers["content-length"]) == image["size_bytes"]
    for variant in image["variants"]:
        got = api.get(variant["url"])
        assert got.status_code == 200
        assert size_of(got.content) == (variant["width"], variant["height"])
        assert not has_exif(got.content)
    shown = api.get(f"{API}/products/{product['id']}").json()
    assert [i["id"] for i in shown["images"]] == [image["id"]]


def test_png_and_webp_keep_their_type(
    api: httpx.Client, product: dict[str, Any], staff: Account
) -> None:
    for fmt, media in (("PNG", "image/png"), ("WEBP", "image/webp")):
        # The declared type and name lie; the bytes decide.
        answer = upload(api, product["id"], picture(fmt, (300, 300)), staff.headers)
        assert answer.status_code == 201, answer.text
        assert answer.json()["content_type"] == media
        assert api.get(answer.json()["url"]).headers["content-type"] == media


def test_ranges_and_etags(api: httpx.Client, product: dict[str, Any], staff: Account) -> None:
    image = upload(api, product["id"], picture(), staff.headers).json()
    whole = api.get(image["url"])
    part = api.get(image["url"], headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == whole.content[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(whole.content)}"
    tail = api.get(image["url"], headers={"Range": "bytes=-5"})
    assert tail.content == whole.content[-5:]
    again = api.get(image["url"], headers={"If-None-Match": whole.headers["etag"]})
    assert again.status_code == 304
    beyond = api.get(image["url"], headers={"Range": f"bytes={len(whole.content) + 5}-"})
    assert_problem(beyond, 416)
    assert beyond.headers["content-range"] == f"bytes */{len(whole.content)}"


def test_order_primary_and_delete(
    api: httpx.Client, product: dict[str, Any], staff: Account
) -> None:
    ids = [upload(api, product["id"], picture(), staff.headers).json()["id"] for _ in range(3)]
    base = f"{API}/products/{product['id']}/images"
    listed = api.get(base).json()["data"]
    assert [i["id"] for i in listed] == ids
    assert [i["is_primary"] for i in listed] == [True, False, False]

    reordered = api.put(f"{base}/order", json={"image_ids": ids[::-1]}, headers=staff.headers)
    assert reordered.status_code == 200, reordered.text
    # The primary one stays first; the rest follow the new order.
    assert [i["id"] for i in reordered.json()["data"]] == [ids[0], ids[2], ids[1]]

    primary = api.post(f"{base}/{ids[1]}/primary", headers=staff.headers)
    assert primary.status_code == 200 and primary.json()["is_primary"]
    assert api.get(base).json()["data"][0]["id"] == ids[1]

    url = api.get(base).json()["data"][0]["url"]
    assert api.delete(f"{base}/{ids[1]}", headers=staff.headers).status_code == 204
    after = api.get(base).json()["data"]
    assert [i["id"] for i in after] == [ids[2], ids[0]]
    assert after[0]["is_primary"]  # the first in order took over
    assert_problem(api.get(url), 404)
    assert_problem(api.delete(f"{base}/{ids[1]}", headers=staff.headers), 404)


def test_bad_orders_and_strangers(
    api: httpx.Client, product: dict[str, Any], staff: Account, customer: Account
) -> None:
    base = f"{API}/products/{product['id']}/images"
    first = upload(api, product["id"], picture(), staff.headers).json()["id"]
    missing = "00000000-0000-0000-0000-000000000000"
    assert_problem(
        api.put(f"{base}/order", json={"image_ids": [missing]}, headers=staff.headers),
        409,
        field="image_ids",
    )
    assert_problem(
        api.put(f"{base}/order", json={"image_ids": [first, first]}, headers=staff.headers),
        422,
        field="image_ids",
    )
    assert_problem(upload(api, product["id"], picture(), customer.headers), 403)
    assert_problem(upload(api, product["id"], picture(), {}), 401)
    assert_problem(api.delete(f"{base}/{first}", headers=customer.headers), 403)
    assert_problem(api.post(f"{base}/{missing}/primary", headers=staff.headers), 404)
    assert_problem(upload(api, missing, picture(), staff.headers), 404)


def test_archived_products_images_are_staff_only(
    api: httpx.Client, shop: Shop, staff: Account
) -> None:
    product = shop.product(status="archived")
    image = upload(api, product["id"], picture(), staff.headers).json()
    assert_problem(api.get(image["url"]), 404)
    assert_problem(api.get(f"{API}/products/{product['id']}/images"), 404)
    seen = api.get(image["url"], headers=staff.headers)
    assert seen.status_code == 200
    assert seen.headers["cache-control"].startswith("private")


def test_deleting_a_product_deletes_its_images(
    api: httpx.Client, product: dict[str, Any], staff: Account
) -> None:
    image = upload(api, product["id"], picture(), staff.headers).json()
    assert api.delete(f"{API}/products/{product['id']}", headers=staff.headers).status_code == 200
    assert_problem(api.get(image["url"], headers=staff.headers), 404)
