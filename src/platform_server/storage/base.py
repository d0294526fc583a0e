"""The storage interface every backend implements, its values and its errors."""

from __future__ import annotations

import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from platform_server.core.errors import NotFound, ProblemError

# Read and written in pieces of this size: a large object never sits whole in memory.
CHUNK_BYTES = 256 * 1024
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9._-]*)*$")


class StorageUnavailable(ProblemError):
    """The backend cannot be reached or refused the write (S3 down, disk full): a 503."""

    status = 503

    def __init__(self, detail: str = "File storage is unavailable; try again shortly.") -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


class ObjectMissing(NotFound):
    """A key with no object behind it (deleted, or never written)."""

    def __init__(self, key: str) -> None:
        super().__init__("The file does not exist.")
        self.key = key


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int
    content_type: str
    # Opaque, changes whenever the bytes do (an S3 ETag, a SHA-256 on disk); quoted.
    etag: str
    modified: datetime


def check_key(key: str) -> str:
    """`key` if it is one this package could have made: lower-case segments joined by
    `/`, no `..`, nothing a user typed. Anything else is a bug, not bad input."""
    if len(key) > 200 or not _KEY.match(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


def random_key(prefix: str) -> str:
    """A new key under `prefix` (`images/3f/3fa9…`): unguessable, never reused."""
    token = secrets.token_hex(16)
    return check_key(f"{prefix}/{token[:2]}/{token}")


def content_key(prefix: str, sha256_hex: str) -> str:
    """The key of the bytes whose SHA-256 is `sha256_hex` (the same bytes, the same key)."""
    digest = sha256_hex.lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError("not a SHA-256 hex digest")
    return check_key(f"{prefix}/{digest[:2]}/{digest}")


async def one_chunk(data: bytes) -> AsyncIterator[bytes]:
    """`data` as the chunk source `Storage.put` takes."""
    for start in range(0, len(data), CHUNK_BYTES):
        yield data[start : start + CHUNK_BYTES]
    if not data:
        yield b""


class Storage(ABC):
    """Where objects live. Every method may raise `StorageUnavailable`; reading a key
    with no object raises `ObjectMissing`."""

    name: str

    @abstractmethod
    async def put(self, key: str, chunks: AsyncIterable[bytes], *, content_type: str) -> ObjectInfo:
        """Write the object from `chunks` (any sizes), replacing any at `key`. Readers
        never see a half-written object: it appears whole or not at all."""

    async def put_bytes(self, key: str, data: bytes, *, content_type: str) -> ObjectInfo:
        return await self.put(key, one_chunk(data), content_type=content_type)

    @abstractmethod
    async def stat(self, key: str) -> ObjectInfo:
        """The object's size, type and ETag, without its bytes."""

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except ObjectMissing:
            return False
        return True

    @abstractmethod
    def stream(self, key: str, *, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes `start` to `end` (inclusive; None: to the last), in chunks.
        Raises `ObjectMissing` on the first iteration when there is no object."""

    async def get(self, key: str) -> bytes:
        """The whole object: for small ones only (an image to resize, a JSON document)."""
        return b"".join([chunk async for chunk in self.stream(key)])

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Remove the object; nothing happens when there is none."""

    @abstractmethod
    def keys(self, prefix: str) -> AsyncIterator[ObjectInfo]:
        """Every object under `prefix/` (for the orphan sweep), in no particular order."""

    async def discard_abandoned(self, older_than: datetime) -> int:
        """Remove what writes that never finished left behind before `older_than`
        (temporary files, incomplete multipart uploads); how many."""
        return 0

    async def presigned_url(
        self, key: str, *, disposition: str, content_type: str, seconds: int
    ) -> str | None:
        """A short-lived URL that serves the object directly, or None when the backend
        cannot (local disk) or is not allowed to (the setting is off)."""
        return None

    async def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release connections (at shutdown)."""
