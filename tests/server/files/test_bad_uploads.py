"""What is not an allowed image, or too large, is refused with nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.images import FAKE_EXE, SVG_WITH_SCRIPT, picture, png_bomb, truncated_jpeg
from tests.server.commerce.conftest import API
from tests.server.conftest import own_server
from tests.server.files.conftest import upload
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD


def stored_objects(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "objects").rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("data", "filename", "status"),
    [
        (FAKE_EXE, "holiday.jpg", 415),
        (SVG_WITH_SCRIPT, "logo.svg", 415),
        (b"", "empty.png", 415),
        (truncated_jpeg(), "cut.jpg", 422),
        (png_bomb(), "tiny.png", 422),
    ],
    ids=["renamed-executable", "svg-with-script", "empty", "truncated-jpeg", "pixel-bomb"],
)
def test_bad_images_are_refused(
    api: httpx.Client,
    product: dict[str, Any],
    staff: Account,
    data: bytes,
    filename: str,
    status: int,
) -> None:
    answer = upload(api, product["id"], data, staff.headers, filename=filename)
    body = assert_problem(answer, status)
    assert "Traceback" not in body["detail"]
    listed = api.get(f"{API}/products/{product['id']}/images").json()["data"]
    assert listed == []


def raw_upload(api: httpx.Client, url: str, filename: bytes, data: bytes, headers: Any) -> Any:
    """A multipart body written by hand, so the name arrives byte for byte (httpx
    would percent-encode a NUL or a quote)."""
    body = (
        b"--b0undary\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + data + b"\r\n--b0undary--\r\n"
    )
    kind = {"Content-Type": "multipart/form-data; boundary=b0undary"}
    return api.post(url, content=body, headers={**headers, **kind})


def test_names_with_nul_traversal_or_5000_characters_are_harmless(
    api: httpx.Client, product: dict[str, Any], staff: Account
) -> None:
    url = f"{API}/products/{product['id']}/images"
    for name, shown in (
        (b"a\x00b.jpg", "ab.jpg"),
        (b"../../etc/passwd", "passwd"),
        (b"..\\..\\win.ini.jpg", "win.ini.jpg"),
        (b"semi;colon=1.jpg", "semi;colon=1.jpg"),
        (b"n" * 4000 + b".jpg", "n" * 116 + ".jpg"),
        ("caf\u00e9 \u65e5\u672c.jpg".encode(), "caf\u00e9 \u65e5\u672c.jpg"),
        (b"...", "image.jpg"),
    ):
        answer = raw_upload(api, url, name, picture(), staff.headers)
        assert answer.status_code == 201, (name, answer.text)
        image = answer.json()
        assert image["filename"] == shown
        served = api.get(image["url"])
        disposition = served.headers["content-disposition"]
        assert "\x00" not in disposition and len(disposition) < 600
        assert disposition.startswith(
            f'inline; filename="{shown.encode("ascii", "replace").decode().replace("?", "_")}"'
        )
        # The storage key is never the name: the URL names only ids.
        assert image["url"] == f"{url}/{image['id']}/original"
    # 5,000 characters: a part header past what the multipart parser reads (4 KiB),
    # a 400 before anything is looked at.
    too_long = raw_upload(api, url, b"n" * 5000 + b".jpg", picture(), staff.headers)
    assert_problem(too_long, 400)
    assert len(api.get(url).json()["data"]) == 7


def test_a_request_not_multipart_is_415(
    api: httpx.Client, product: dict[str, Any], staff: Account
) -> None:
    url = f"{API}/products/{product['id']}/images"
    raw = api.post(url, content=picture(), headers={**staff.headers, "Content-Type": "image/jpeg"})
    assert_problem(raw, 415)
    no_file = api.post(url, files={"other": ("a.jpg", picture())}, headers=staff.headers)
    assert_problem(no_file, 422, field="file")


@pytest.fixture(scope="module")
def small_limit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Uploads of at most 64 KiB and images of at most 1,000,000 pixels."""
    tmp = tmp_path_factory.mktemp("limits")
    server = own_server(tmp, upload_max_bytes=64 * 1024, image_max_pixels=1_000_000)
    with server as live:
        yield live.url, tmp


def test_over_the_limits(small_limit_server: tuple[str, Path]) -> None:
    base_url, data_dir = small_limit_server
    with httpx.Client(base_url=base_url) as api:
        admin = api.post(
            f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
        created = api.post(
            f"{API}/products",
            json={"sku": "LIMIT-1", "name": "Limit", "price": "1.00", "category": "Test"},
            headers=headers,
        )
        product_id = created.json()["id"]
        before = stored_objects(data_dir)
        # Declared too large: refused before the body is read.
        huge = b"\xff\xd8" + b"\x00" * (2 * 1024 * 1024)
        assert_problem(upload(api, product_id, huge, headers), 413)

        # Sent without a length (chunked): the server stops reading past the limit.
        def chunks() -> Iterator[bytes]:
            boundary = b"--b0undary\r\n"
            yield (
                boundary + b'Content-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
            )
            for _ in range(64):  # 4 MiB, never all sent
                yield b"\x00" * 65536
            yield b"\r\n--b0undary--\r\n"

        streamed = api.post(
            f"{API}/products/{product_id}/images",
            content=chunks(),
            headers={**headers, "Content-Type": "multipart/form-data; boundary=b0undary"},
        )
        assert_problem(streamed, 413)
        # Just over the file limit, though the body fits the multipart allowance.
        assert_problem(upload(api, product_id, b"\x00" * (64 * 1024 + 1), headers), 413)
        # Small in bytes, too many pixels.
        assert_problem(upload(api, product_id, picture("PNG", (1100, 1000)), headers), 422)
        assert stored_objects(data_dir) == before
        fine = upload(api, product_id, picture("JPEG", (400, 300)), headers)
        assert fine.status_code == 201, fine.text
