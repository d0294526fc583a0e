"""Streaming files: uploads read from a path or file object in chunks, downloads
written to a path or file object in chunks, neither ever whole in memory.

An upload is sent as ``multipart/form-data`` (httpx reads the file 64 KiB at a time;
with ``AsyncClient`` those reads are ordinary file reads). A retried request reads the
file again from where it started. ``progress(done, total)`` is called as bytes go out
or come in (``total`` is ``None`` when the server did not say).
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Union

import httpx

from ._types import Progress
from .errors import PlatformError

FileSource = Union[str, "os.PathLike[str]", IO[bytes]]
FileTarget = Union[str, "os.PathLike[str]", IO[bytes]]
CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class Downloaded:
    """What a download wrote: where (``path``: None for a file object), how many bytes,
    and what the server said of them."""

    path: Path | None
    size_bytes: int
    content_type: str
    etag: str | None
    filename: str | None


class _Reading:
    """A file object that counts what is read from it, for ``progress``."""

    def __init__(self, file: IO[bytes], total: int | None, progress: Progress | None) -> None:
        self._file, self._total, self._progress, self._done = file, total, progress, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        self._done += len(chunk)
        if self._progress is not None and chunk:
            self._progress(self._done, self._total)
        return chunk

    def __iter__(self) -> Any:  # httpx streams iterables chunk by chunk
        while chunk := self.read(CHUNK):
            yield chunk


@dataclass(frozen=True, slots=True)
class Upload:
    """One file of a multipart request."""

    source: FileSource
    field: str = "file"
    filename: str | None = None
    content_type: str | None = None
    progress: Progress | None = None
    # Where a caller's file object stood when the call was made: each attempt starts there.
    start: int = 0
    # Further form fields sent beside the file (a bulk import's kind, mode, dry_run).
    form: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls,
        source: FileSource,
        *,
        filename: str | None = None,
        progress: Progress | None = None,
        form: Mapping[str, str] | None = None,
    ) -> Upload:
        start = 0
        if not isinstance(source, str | os.PathLike) and source.seekable():
            start = source.tell()
        fields = tuple((form or {}).items())
        return cls(source, filename=filename, progress=progress, start=start, form=fields)

    def part(self) -> tuple[str, Any, str]:
        """The (name, readable, content type) httpx sends; opened anew for each attempt."""
        if isinstance(self.source, str | os.PathLike):
            path = Path(self.source)
            file: IO[bytes] = path.open("rb")  # closed when httpx has read it (below)
            name = self.filename or path.name
            total: int | None = path.stat().st_size
        else:
            file = self.source
            name = self.filename or Path(str(getattr(file, "name", "upload"))).name
            total = None
            if file.seekable():
                file.seek(0, os.SEEK_END)
                total = file.tell() - self.start
                file.seek(self.start)
        kind = self.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return name, _Closing(file, total, self.progress, own=not _is_io(self.source)), kind


def _is_io(source: FileSource) -> bool:
    return not isinstance(source, str | os.PathLike)


class _Closing(_Reading):
    """Closes a file this module opened once it has been read to the end."""

    def __init__(
        self, file: IO[bytes], total: int | None, progress: Progress | None, *, own: bool
    ) -> None:
        super().__init__(file, total, progress)
        self._own = own

    def read(self, size: int = -1) -> bytes:
        chunk = super().read(size)
        if not chunk and self._own:
            self._file.close()
        return chunk


def multipart(upload: Upload) -> dict[str, tuple[str, Any, str]]:
    """The ``files=`` of httpx for ``upload``."""
    return {upload.field: upload.part()}


@dataclass(frozen=True, slots=True)
class Download:
    """Where a downloaded body goes."""

    target: FileTarget
    progress: Progress | None = None

    def open(self) -> tuple[IO[bytes], Path | None, bool]:
        if isinstance(self.target, str | os.PathLike):
            path = Path(self.target)
            return path.open("wb"), path, True
        return self.target, None, False


def _described(response: httpx.Response, size: int, path: Path | None) -> Downloaded:
    disposition = response.headers.get("content-disposition", "")
    filename = None
    if 'filename="' in disposition:
        filename = disposition.split('filename="', 1)[1].split('"', 1)[0]
    return Downloaded(
        path=path,
        size_bytes=size,
        content_type=response.headers.get("content-type", "application/octet-stream"),
        etag=response.headers.get("etag"),
        filename=filename,
    )


def _total(response: httpx.Response) -> int | None:
    length = response.headers.get("content-length")
    return int(length) if length and length.isdigit() else None


class _Saving:
    """The target of one download, counting what is written for ``progress``."""

    def __init__(self, response: httpx.Response, download: Download) -> None:
        self.out, self.path, self._own = download.open()
        self.done, self._total, self._progress = 0, _total(response), download.progress

    def write(self, chunk: bytes) -> None:
        self.out.write(chunk)
        self.done += len(chunk)
        if self._progress is not None:
            self._progress(self.done, self._total)

    def close(self) -> None:
        if self._own:
            self.out.close()


def save(response: httpx.Response, download: Download) -> Downloaded:
    """Write a streamed (sync) response's body to the target, chunk by chunk."""
    saving = _Saving(response, download)
    try:
        for chunk in response.iter_bytes(CHUNK):
            saving.write(chunk)
    finally:
        saving.close()
    return _described(response, saving.done, saving.path)


async def save_async(response: httpx.Response, download: Download) -> Downloaded:
    """Write a streamed (async) response's body to the target, chunk by chunk."""
    saving = _Saving(response, download)
    try:
        async for chunk in response.aiter_bytes(CHUNK):
            saving.write(chunk)
    finally:
        saving.close()
    return _described(response, saving.done, saving.path)


def redirect_target(response: httpx.Response) -> str | None:
    """The presigned URL a download was redirected to (S3), fetched without credentials."""
    if response.status_code in (302, 303, 307, 308):
        location: str | None = response.headers.get("location")
        if not location:
            raise PlatformError("the server redirected a download without a Location")
        return location
    return None
