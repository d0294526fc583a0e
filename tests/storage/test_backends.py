"""One suite, run against local disk and against a real S3 API (moto's server)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from platform_server.core.settings import Settings
from platform_server.storage.base import (
    CHUNK_BYTES,
    ObjectMissing,
    Storage,
    StorageUnavailable,
    check_key,
    content_key,
    random_key,
)
from platform_server.storage.factory import open_storage
from tests.s3_server import S3Server

pytestmark = pytest.mark.anyio


BLOCK = hashlib.sha256(b"block").digest() * 2048  # 64 KiB


async def pattern(total: int) -> AsyncIterator[bytes]:
    """`total` bytes made piece by piece (each piece numbered, so order matters):
    never a whole copy in the test either."""
    sent = 0
    while sent < total:
        size = min(len(BLOCK), total - sent)
        yield (sent.to_bytes(8, "big") + BLOCK)[:size]
        sent += size


async def digest_of(chunks: AsyncIterator[bytes]) -> tuple[str, int, int]:
    digest, total, largest = hashlib.sha256(), 0, 0
    async for chunk in chunks:
        digest.update(chunk)
        total += len(chunk)
        largest = max(largest, len(chunk))
    return digest.hexdigest(), total, largest


async def test_an_object_round_trips(storage: Storage) -> None:
    key = random_key("tests")
    written = await storage.put_bytes(key, b"hello, storage", content_type="text/plain")
    assert (written.size, written.content_type) == (14, "text/plain")
    assert written.etag.startswith('"') and written.etag.endswith('"')
    assert await storage.get(key) == b"hello, storage"
    assert await storage.exists(key)
    again = await storage.stat(key)
    assert (again.etag, again.size) == (written.etag, 14)


async def test_ranges_read_only_the_bytes_asked_for(storage: Storage) -> None:
    key = random_key("tests")
    await storage.put_bytes(key, bytes(range(200)), content_type="application/octet-stream")
    assert b"".join([c async for c in storage.stream(key, start=10, end=19)]) == bytes(
        range(10, 20)
    )
    assert b"".join([c async for c in storage.stream(key, start=195)]) == bytes(range(195, 200))


async def test_a_large_object_streams_both_ways_in_chunks(storage: Storage) -> None:
    """11 MB in 64 KB pieces: on S3 a multipart upload of three parts; read back in
    chunks no larger than CHUNK_BYTES, so neither side holds the whole object."""
    total = 11 * 1024 * 1024
    expected, _, _ = await digest_of(pattern(total))
    key = random_key("tests")
    info = await storage.put(key, pattern(total), content_type="application/octet-stream")
    assert info.size == total
    digest, size, largest = await digest_of(storage.stream(key))
    assert (digest, size) == (expected, total)
    assert largest <= CHUNK_BYTES


async def test_a_failed_source_leaves_no_object(storage: Storage) -> None:
    async def broken() -> AsyncIterator[bytes]:
        async for chunk in pattern(6 * 1024 * 1024):
            yield chunk
        raise ConnectionResetError("the client hung up")

    key = random_key("tests")
    with pytest.raises(ConnectionResetError):
        await storage.put(key, broken(), content_type="application/octet-stream")
    assert not await storage.exists(key)
    # Nothing half-written is left for the sweep either (an aborted multipart upload).
    assert await storage.discard_abandoned(datetime.now(UTC) + timedelta(days=1)) == 0


async def test_a_rewrite_replaces_the_object_whole(storage: Storage) -> None:
    key = random_key("tests")
    first = await storage.put_bytes(key, b"first", content_type="text/plain")
    second = await storage.put_bytes(key, b"second version", content_type="text/markdown")
    assert second.etag != first.etag
    assert await storage.get(key) == b"second version"
    assert (await storage.stat(key)).content_type == "text/markdown"


async def test_missing_objects_and_deletes(storage: Storage) -> None:
    key = random_key("tests")
    with pytest.raises(ObjectMissing):
        await storage.stat(key)
    with pytest.raises(ObjectMissing):
        await storage.get(key)
    await storage.delete(key)  # nothing there: nothing happens
    await storage.put_bytes(key, b"x", content_type="text/plain")
    await storage.delete(key)
    assert not await storage.exists(key)


async def test_keys_lists_what_lies_under_a_prefix(storage: Storage) -> None:
    prefix = random_key("listing").replace("/", "-")
    made = {f"{prefix}/{n}" for n in ("a", "b/c")}
    for key in made:
        await storage.put_bytes(key, b"1", content_type="text/plain")
    await storage.put_bytes(f"{prefix}x/other", b"1", content_type="text/plain")
    assert {info.key async for info in storage.keys(prefix)} == made


def test_keys_are_never_user_paths() -> None:
    for bad in ("../etc/passwd", "/abs", "a/../b", "A/B", "a//b", "a\x00b", "x" * 300, ""):
        with pytest.raises(ValueError):
            check_key(bad)
    assert content_key("img", "AB" * 32) == f"img/ab/{'ab' * 32}"
    assert random_key("img") != random_key("img")


async def test_an_unreachable_s3_is_a_503(tmp_path, s3_server: S3Server) -> None:
    options = {**s3_server.settings("nowhere"), "s3_endpoint_url": "http://127.0.0.1:9"}
    settings = Settings(data_dir=tmp_path, s3_timeout_seconds=2, s3_retries=0, **options)
    backend = open_storage(settings)
    try:
        with pytest.raises(StorageUnavailable) as caught:
            await backend.put_bytes(random_key("tests"), b"x", content_type="text/plain")
        assert caught.value.status == 503
        with pytest.raises(StorageUnavailable):
            await backend.stat(random_key("tests"))
    finally:
        await backend.close()


async def test_a_full_or_unwritable_disk_is_a_503(tmp_path) -> None:
    blocked = tmp_path / "objects"
    blocked.write_text("a file where the directory should be")
    backend = open_storage(Settings(data_dir=tmp_path))
    with pytest.raises(StorageUnavailable):
        await backend.put_bytes(random_key("tests"), b"x", content_type="text/plain")


async def test_presigned_urls_serve_a_private_bucket(tmp_path, s3_server: S3Server) -> None:
    bucket = s3_server.new_bucket()
    settings = Settings(data_dir=tmp_path, s3_presign=True, **s3_server.settings(bucket))
    backend = open_storage(settings)
    try:
        key = random_key("tests")
        await backend.put_bytes(key, b"%PDF-1.7 fake", content_type="application/pdf")
        url = await backend.presigned_url(
            key, disposition='inline; filename="a.pdf"', content_type="application/pdf", seconds=60
        )
        assert url is not None and "Signature" in url
        async with httpx.AsyncClient() as http:
            answer = await http.get(url)
        assert answer.content == b"%PDF-1.7 fake"
        assert answer.headers["content-disposition"] == 'inline; filename="a.pdf"'
    finally:
        await backend.close()
    grants = s3_server.client().get_bucket_acl(Bucket=bucket)["Grants"]
    assert not [g for g in grants if "AllUsers" in str(g.get("Grantee", {}).get("URI", ""))]
    local = open_storage(Settings(data_dir=tmp_path))
    assert await local.presigned_url(key, disposition="", content_type="", seconds=60) is None
