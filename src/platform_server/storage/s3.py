"""Objects in an S3-compatible bucket (AWS, MinIO, Ceph, R2) through aiobotocore.

The bucket stays private: nothing here sets an ACL or a bucket policy. Objects are
served through the API, or, when `PLATFORM_S3_PRESIGN` allows, by short-lived
presigned URLs. A write larger than one part is a multipart upload, so at most one
part (`PLATFORM_S3_PART_MB`) of it is in memory; an upload that fails is aborted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterable, AsyncIterator, Awaitable
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from platform_server.core.settings import Settings
from platform_server.storage.base import (
    CHUNK_BYTES,
    ObjectInfo,
    ObjectMissing,
    Storage,
    StorageUnavailable,
    check_key,
)

logger = logging.getLogger("platform_server.storage")
_MISSING = {"NoSuchKey", "404", "NotFound"}


def _failed(exc: Exception, key: str) -> Exception:
    """The error to raise for a failed call: ObjectMissing for a missing key, else 503."""
    if isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in _MISSING:
        return ObjectMissing(key)
    logger.error("S3 call for %s failed: %s", key, exc)
    return StorageUnavailable()


# What a call to S3 may raise when the service is down or refuses: botocore's own
# errors, and the transport's (aiohttp's errors are OSError or asyncio timeouts).
_ERRORS = (BotoCoreError, ClientError, OSError, asyncio.TimeoutError)


async def _call(key: str, step: Awaitable[Any]) -> Any:
    try:
        return await step
    except _ERRORS as exc:
        raise _failed(exc, key) from exc


class S3Storage(Storage):
    name = "s3"

    def __init__(self, settings: Settings) -> None:
        if not settings.s3_bucket:
            raise ValueError("PLATFORM_STORAGE_BACKEND=s3 needs PLATFORM_S3_BUCKET")
        self.bucket = settings.s3_bucket
        self.part_bytes = settings.s3_part_mb * 1024 * 1024
        self.presign = settings.s3_presign
        self._options: dict[str, Any] = {
            "region_name": settings.s3_region,
            "endpoint_url": settings.s3_endpoint_url,
            "aws_access_key_id": settings.s3_access_key_id,
            "aws_secret_access_key": settings.s3_secret_access_key,
            "config": AioConfig(
                s3={"addressing_style": settings.s3_addressing_style},
                retries={"max_attempts": settings.s3_retries + 1, "mode": "standard"},
                connect_timeout=settings.s3_timeout_seconds,
                read_timeout=settings.s3_timeout_seconds,
            ),
        }
        self._stack = AsyncExitStack()
        self._client: Any = None
        self._lock = asyncio.Lock()

    async def _s3(self) -> Any:
        # One client (one connection pool) for the process, made on first use.
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    session = get_session()
                    self._client = await self._stack.enter_async_context(
                        session.create_client("s3", **self._options)
                    )
        return self._client

    async def close(self) -> None:
        await self._stack.aclose()
        self._client = None

    async def put(self, key: str, chunks: AsyncIterable[bytes], *, content_type: str) -> ObjectInfo:
        s3 = await self._s3()
        target = {"Bucket": self.bucket, "Key": check_key(key)}
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []

        async def flush() -> None:
            nonlocal upload_id, buffer
            if upload_id is None:
                started = await _call(
                    key, s3.create_multipart_upload(**target, ContentType=content_type)
                )
                upload_id = started["UploadId"]
            number = len(parts) + 1
            sent = await _call(
                key,
                s3.upload_part(**target, UploadId=upload_id, PartNumber=number, Body=bytes(buffer)),
            )
            parts.append({"ETag": sent["ETag"], "PartNumber": number})
            buffer = bytearray()

        try:
            # The source's own errors (a client that hung up) pass through as they
            # are; only S3's become a 503 (`_call`). Either way no object is made.
            async for chunk in chunks:
                buffer += chunk
                if len(buffer) >= self.part_bytes:
                    await flush()
            if upload_id is None:
                await _call(
                    key, s3.put_object(**target, Body=bytes(buffer), ContentType=content_type)
                )
            else:
                if buffer:
                    await flush()
                done = {"Parts": parts}
                await _call(
                    key,
                    s3.complete_multipart_upload(
                        **target, UploadId=upload_id, MultipartUpload=done
                    ),
                )
        except BaseException:
            await self._abort(s3, key, upload_id)
            raise
        return await self.stat(key)

    async def _abort(self, s3: Any, key: str, upload_id: str | None) -> None:
        if upload_id is None:
            return
        with contextlib.suppress(*_ERRORS):
            await s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    async def stat(self, key: str) -> ObjectInfo:
        s3 = await self._s3()
        try:
            head = await s3.head_object(Bucket=self.bucket, Key=check_key(key))
        except _ERRORS as exc:
            raise _failed(exc, key) from exc
        return ObjectInfo(
            key=key,
            size=int(head["ContentLength"]),
            content_type=head.get("ContentType") or "application/octet-stream",
            etag=head["ETag"],
            modified=head["LastModified"].astimezone(UTC),
        )

    async def stream(
        self, key: str, *, start: int = 0, end: int | None = None
    ) -> AsyncIterator[bytes]:
        s3 = await self._s3()
        ranged: dict[str, str] = {}
        if start or end is not None:
            ranged["Range"] = f"bytes={start}-{'' if end is None else end}"
        try:
            answer = await s3.get_object(Bucket=self.bucket, Key=check_key(key), **ranged)
        except _ERRORS as exc:
            raise _failed(exc, key) from exc
        async with answer["Body"] as body:
            while True:
                try:
                    chunk = await body.read(CHUNK_BYTES)
                except _ERRORS as exc:
                    raise _failed(exc, key) from exc
                if not chunk:
                    return
                yield chunk

    async def delete(self, key: str) -> None:
        s3 = await self._s3()
        try:
            await s3.delete_object(Bucket=self.bucket, Key=check_key(key))
        except _ERRORS as exc:
            error = _failed(exc, key)
            if not isinstance(error, ObjectMissing):
                raise error from exc

    async def keys(self, prefix: str) -> AsyncIterator[ObjectInfo]:
        s3 = await self._s3()
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{check_key(prefix)}/"
        )
        try:
            async for page in pages:
                for item in page.get("Contents", []):
                    yield ObjectInfo(
                        key=item["Key"],
                        size=int(item["Size"]),
                        content_type="application/octet-stream",
                        etag=item.get("ETag", '""'),
                        modified=item["LastModified"].astimezone(UTC),
                    )
        except _ERRORS as exc:
            raise _failed(exc, prefix) from exc

    async def discard_abandoned(self, older_than: datetime) -> int:
        s3 = await self._s3()
        removed = 0
        try:
            pages = s3.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket)
            async for page in pages:
                for upload in page.get("Uploads", []):
                    if upload["Initiated"].astimezone(UTC) < older_than:
                        await self._abort(s3, upload["Key"], upload["UploadId"])
                        removed += 1
        except _ERRORS as exc:
            raise _failed(exc, "multipart uploads") from exc
        return removed

    async def presigned_url(
        self, key: str, *, disposition: str, content_type: str, seconds: int
    ) -> str | None:
        if not self.presign:
            return None
        s3 = await self._s3()
        try:
            url: str = await s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": check_key(key),
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": disposition,
                },
                ExpiresIn=seconds,
            )
        except _ERRORS as exc:
            raise _failed(exc, key) from exc
        return url
