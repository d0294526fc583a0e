"""Taking an uploaded file from a multipart request."""

from __future__ import annotations

from typing import Any

from fastapi import UploadFile

from platform_server.core.errors import ProblemError

# What an upload route adds to the errors `core/openapi.py` derives.
UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"description": "The file is larger than PLATFORM_UPLOAD_MAX_BYTES"},
    415: {"description": "Not a JPEG, PNG or WebP image (decided by its bytes)"},
    503: {"description": "File storage is unavailable; nothing was stored"},
}


def too_large(limit: int) -> ProblemError:
    return ProblemError(f"The file exceeds {limit} bytes.", status=413)


async def read_upload(file: UploadFile, limit: int) -> bytes:
    """The uploaded file's bytes (at most `limit`: the request middleware has already
    stopped reading any body much larger), or a 413."""
    if file.size is not None and file.size > limit:
        raise too_large(limit)
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data
