"""Answering a download: ETag, conditional requests, one byte `Range`, a safe
`Content-Disposition`, or a redirect to a presigned URL when the backend may."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse

from platform_server.core.errors import ProblemError
from platform_server.storage.base import Storage

# Immutable URLs (a new upload gets a new address): cached for a year, never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-cache"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_MAX_NAME = 120

# What a download route adds to the errors `core/openapi.py` derives.
DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    206: {"description": "The requested byte range (`Range: bytes=a-b`)"},
    304: {"description": "Not modified (`If-None-Match` names the current ETag)"},
    307: {"description": "Redirect to a short-lived presigned URL (S3, when allowed)"},
    416: {"description": "The range lies outside the file"},
}
# What an image upload may be, and so what its download is.
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


def download_responses(
    description: str, content_types: Iterable[str]
) -> dict[int | str, dict[str, Any]]:
    """A download route's `responses=`: its 200 (the file in any of `content_types`)
    and the answers every download adds."""
    ok = {"description": description, "content": {t: {} for t in content_types}}
    return {200: ok, **DOWNLOAD_RESPONSES}


def safe_filename(name: str | None, fallback: str = "file") -> str:
    """A file name fit to show: the last path segment, no control characters (NUL),
    no quotes or separators, at most 120 characters with its extension kept."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*')
    text = text.strip(" .")
    if not text:
        return fallback
    if len(text) > _MAX_NAME:
        _, dot, ext = text.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        text = text[: _MAX_NAME - len(keep) - 1].rstrip(" .") + (f".{keep}" if keep else "")
    return text


def content_disposition(name: str, *, inline: bool = True) -> str:
    """RFC 6266: an ASCII `filename` and the exact one as `filename*` (RFC 5987)."""
    safe = safe_filename(name)
    ascii_name = safe.encode("ascii", "replace").decode("ascii").replace("?", "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe, safe='')}"


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (start, end) a `Range` header asks for; None for the whole file
    (no header, or one this server does not honour, like several ranges)."""
    if not header:
        return None
    found = _RANGE.match(header.strip())
    if not found or not any(found.groups()):
        return None
    first, last = found.groups()
    if not first:  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ProblemError(
            f"The range {header!r} lies outside the file of {size} bytes.",
            status=416,
            headers={"Content-Range": f"bytes */{size}"},
        )
    return start, end


async def serve(
    request: Request,
    storage: Storage,
    key: str,
    *,
    filename: str,
    cache_control: str,
    presign_seconds: int | None = None,
) -> Response:
    """The object at `key` as the answer to a GET, streamed in chunks."""
    info = await storage.stat(key)
    disposition = content_disposition(filename)
    headers = {
        "ETag": info.etag,
        "Cache-Control": cache_control,
        "Accept-Ranges": "bytes",
        "Content-Disposition": disposition,
    }
    if request.headers.get("if-none-match") in (info.etag, "*"):
        return Response(status_code=304, headers=headers)
    if presign_seconds:
        url = await storage.presigned_url(
            key, disposition=disposition, content_type=info.content_type, seconds=presign_seconds
        )
        if url is not None:
            return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    wanted = byte_range(request.headers.get("range"), info.size)
    if wanted is None:
        headers["Content-Length"] = str(info.size)
        return StreamingResponse(storage.stream(key), media_type=info.content_type, headers=headers)
    start, end = wanted
    headers["Content-Range"] = f"bytes {start}-{end}/{info.size}"
    headers["Content-Length"] = str(end - start + 1)
    return StreamingResponse(
        storage.stream(key, start=start, end=end),
        status_code=206,
        media_type=info.content_type,
        headers=headers,
    )
