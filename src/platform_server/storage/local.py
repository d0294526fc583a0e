"""Objects as files under a directory (the data directory's `objects/` by default).

`data/<key>` holds the bytes, `meta/<key>.json` the content type and ETag. A write
goes to a file in `tmp/` (same file system) and is renamed into place, so a reader
sees the old object or the new one, never part of one; a crash leaves only a file
in `tmp/`, which the orphan sweep removes (`discard_abandoned`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread

from platform_server.storage.base import (
    CHUNK_BYTES,
    ObjectInfo,
    ObjectMissing,
    Storage,
    StorageUnavailable,
    check_key,
)

logger = logging.getLogger("platform_server.storage")
T = TypeVar("T")


class LocalStorage(Storage):
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _data(self, key: str) -> Path:
        return self.root / "data" / check_key(key)

    def _meta(self, key: str) -> Path:
        return self.root / "meta" / f"{check_key(key)}.json"

    async def put(self, key: str, chunks: AsyncIterable[bytes], *, content_type: str) -> ObjectInfo:
        target, meta = self._data(key), self._meta(key)
        temp = self._temp()
        digest = hashlib.sha256()
        with _removed_on_failure(temp):
            await _disk(anyio.to_thread.run_sync(_make_parents, target, meta, temp))
            async with await _disk(anyio.open_file(temp, "wb")) as out:
                # The source's own errors (a client that hung up) pass through as
                # they are; only the disk's become a 503.
                async for chunk in chunks:
                    digest.update(chunk)
                    await _disk(out.write(chunk))
            record = _record(content_type, digest.hexdigest())
            await _disk(anyio.to_thread.run_sync(_publish, temp, target, meta, record))
        return await self.stat(key)

    async def put_bytes(self, key: str, data: bytes, *, content_type: str) -> ObjectInfo:
        """`put`, in one trip to a worker thread instead of six: a bulk import writes
        one of these (its report lines) per chunk, and on a busy machine each trip
        waits its turn for the CPU."""
        record = _record(content_type, hashlib.sha256(data).hexdigest())
        return await _disk(anyio.to_thread.run_sync(self._put_bytes, key, data, record))

    def _put_bytes(self, key: str, data: bytes, record: str) -> ObjectInfo:
        target, meta, temp = self._data(key), self._meta(key), self._temp()
        with _removed_on_failure(temp):
            _make_parents(target, meta, temp)
            temp.write_bytes(data)
            _publish(temp, target, meta, record)
        return self._stat(key)

    def _temp(self) -> Path:
        return self.root / "tmp" / secrets.token_hex(16)

    async def stat(self, key: str) -> ObjectInfo:
        try:
            return await anyio.to_thread.run_sync(self._stat, key)
        except FileNotFoundError:
            raise ObjectMissing(key) from None
        except OSError as exc:
            raise StorageUnavailable() from exc

    def _stat(self, key: str) -> ObjectInfo:
        found = self._data(key).stat()
        try:
            record = json.loads(self._meta(key).read_text())
        except FileNotFoundError:
            record = {}
        modified = datetime.fromtimestamp(found.st_mtime, UTC)
        return ObjectInfo(
            key=key,
            size=found.st_size,
            content_type=record.get("content_type", "application/octet-stream"),
            etag=record.get("etag", f'"{found.st_size:x}-{found.st_mtime_ns:x}"'),
            modified=modified,
        )

    async def stream(
        self, key: str, *, start: int = 0, end: int | None = None
    ) -> AsyncIterator[bytes]:
        try:
            source = await anyio.open_file(self._data(key), "rb")
        except FileNotFoundError:
            raise ObjectMissing(key) from None
        except OSError as exc:
            raise StorageUnavailable() from exc
        async with source:
            await source.seek(start)
            left = None if end is None else end - start + 1
            while left is None or left > 0:
                size = CHUNK_BYTES if left is None else min(CHUNK_BYTES, left)
                chunk = await source.read(size)
                if not chunk:
                    return
                if left is not None:
                    left -= len(chunk)
                yield chunk

    async def delete(self, key: str) -> None:
        try:
            await anyio.to_thread.run_sync(self._delete, key)
        except OSError as exc:
            raise StorageUnavailable() from exc

    def _delete(self, key: str) -> None:
        self._data(key).unlink(missing_ok=True)
        self._meta(key).unlink(missing_ok=True)

    async def keys(self, prefix: str) -> AsyncIterator[ObjectInfo]:
        base = self.root / "data"
        paths = await anyio.to_thread.run_sync(_files_under, base / check_key(prefix))
        for path in paths:
            with contextlib.suppress(ObjectMissing):
                yield await self.stat(path.relative_to(base).as_posix())

    async def discard_abandoned(self, older_than: datetime) -> int:
        try:
            return await anyio.to_thread.run_sync(_remove_old, self.root / "tmp", older_than)
        except OSError as exc:
            raise StorageUnavailable() from exc


async def _disk(step: Awaitable[T]) -> T:
    """`step`'s result; a failure of the disk (full, read-only, gone) is a 503."""
    try:
        return await step
    except OSError as exc:
        logger.error("local storage failed: %s", exc)
        raise StorageUnavailable() from exc


@contextlib.contextmanager
def _removed_on_failure(temp: Path) -> Iterator[None]:
    """A write that fails (or is cancelled) leaves no temporary file behind."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise


def _record(content_type: str, sha256: str) -> str:
    return json.dumps({"content_type": content_type, "etag": f'"{sha256}"'})


def _make_parents(*paths: Path) -> None:
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)


def _publish(temp: Path, target: Path, meta: Path, record: str) -> None:
    meta_temp = temp.with_name(f"{temp.name}.meta")
    meta_temp.write_text(record)
    os.replace(meta_temp, meta)
    os.replace(temp, target)


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.rglob("*") if p.is_file()]


def _remove_old(folder: Path, older_than: datetime) -> int:
    removed = 0
    for path in _files_under(folder):
        if datetime.fromtimestamp(path.stat().st_mtime, UTC) < older_than:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
