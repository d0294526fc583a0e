"""Saving a stored document (an invoice, a credit note) that the SDK streams: to a file
or stdout, with a progress bar on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from platform_cli.output import Output
    from platform_sdk import Downloaded

# The SDK's download method with its document chosen: (target, progress) -> Downloaded.
Fetch = Callable[[Path | IO[bytes], Callable[[int, int | None], None]], "Downloaded"]


def save(out: Output, out_path: str, what: str, fetch: Fetch) -> int:
    """Stream the document to `out_path` (`-`: stdout); the bytes written."""
    with out.progress(f"Downloading {what}") as progress:
        if out_path == "-":
            got = fetch(sys.stdout.buffer, progress)
            sys.stdout.flush()
        else:
            got = fetch(Path(out_path), progress)
    return got.size_bytes


def report(out: Output, text: str, fields: dict[str, Any], out_path: str) -> None:
    """Say what was written, unless the document itself went to stdout."""
    if out_path != "-":
        out.done(text, fields)
