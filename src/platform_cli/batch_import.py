"""The client-side batch import of product files: chunks sent to `products.batch`, two
in flight, in file order. `platform products import` now runs as a server-side bulk job
(`platform bulk import products`); this path stays as the baseline `bench/import_rate.py`
measures the job against."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from platform_cli.errors import CLIError
from platform_cli.product_files import ImportReport, Row, chunks, loc_text

if TYPE_CHECKING:
    from platform_sdk import Client, ProductBatchItemParam
    from platform_sdk.models import Batch


# Chunks in flight at once: the file is read and encoded, and the server validates the
# next chunk, while the database writes the one before it.
IN_FLIGHT = 2


@dataclass
class _Sent:
    rows: list[Row]
    rejected: list[Row]
    skus: set[str]
    batch: Future[Batch] | None


class _ChunkFailed(Exception):
    def __init__(self, rows: list[Row], cause: Exception) -> None:
        super().__init__(str(cause))
        self.rows = rows
        self.cause = cause


def _sku_key(row: Row) -> str:
    # Looser than the server's matching, never stricter: two rows that might be the same
    # product are never in flight at once.
    return str(row.sku or "").strip().casefold()


def import_rows(
    sdk: Client,
    rows: Iterable[Row],
    report: ImportReport,
    *,
    on_chunk: Callable[[ImportReport], None] | None = None,
    create_categories: bool = False,
) -> ImportReport:
    """Send the rows in chunks to ``products.batch`` and fill in ``report``.

    Up to ``IN_FLIGHT`` chunks are sent at once. A chunk that shares a SKU with one
    still in flight waits for it, so the later row in the file is the one that stays.
    """
    pending: deque[_Sent] = deque()
    with ThreadPoolExecutor(max_workers=IN_FLIGHT, thread_name_prefix="import") as pool:
        try:
            for send, rejected in chunks(rows):
                skus = {_sku_key(row) for row in send}
                while pending and (
                    len(pending) >= IN_FLIGHT or any(skus & sent.skus for sent in pending)
                ):
                    _tally(pending.popleft(), report, on_chunk)
                batch = None
                if send:
                    # Rows of a file: their fields are checked by the server, row by row.
                    items = cast(
                        "list[ProductBatchItemParam]",
                        [row.item for row in send if row.item is not None],
                    )
                    dry_run = report.dry_run or None
                    batch = pool.submit(
                        sdk.products.batch,
                        items=items,
                        dry_run=dry_run,
                        create_categories=create_categories or None,
                    )
                pending.append(_Sent(send, rejected, skus, batch))
            while pending:
                _tally(pending.popleft(), report, on_chunk)
        except _ChunkFailed as exc:
            failure = exc
        else:
            return report
        # Chunks sent after the failed one succeeded or failed on their own: count them.
        for later in pending:
            with contextlib.suppress(_ChunkFailed):
                _tally(later, report, on_chunk)
    raise _import_stopped(failure, report)


def _import_stopped(failure: _ChunkFailed, report: ImportReport) -> CLIError:
    from platform_cli.errors import describe

    rows = failure.rows
    lines, code = describe(failure.cause)
    done = report.created + report.updated + report.unchanged
    verb = "checked" if report.dry_run else "imported"
    return CLIError(
        f"rows {rows[0].number}-{rows[-1].number}: {lines[0].removeprefix('Error: ')}",
        details=[
            *lines[1:],
            f"  {done:,} other rows were {verb}; the rest of the file was not sent.",
            "  Fix the cause and run the same file again: imported rows stay unchanged.",
        ],
        exit_code=code,
    )


def _tally(
    sent: _Sent, report: ImportReport, on_chunk: Callable[[ImportReport], None] | None
) -> None:
    """Counts one chunk's results into the report, in file order."""
    failures = {row.number: row for row in sent.rejected}
    if sent.batch is not None:
        from platform_sdk import PlatformError

        try:
            batch = sent.batch.result()
        except PlatformError as exc:
            raise _ChunkFailed(sent.rows, exc) from exc
        for result in batch.results:
            row = sent.rows[result.index]
            kind = result.result
            if kind == "error":
                row.errors = [
                    (loc_text(e.get("loc", "?")), str(e.get("msg", "invalid")))
                    for e in (result.errors or [])
                ] or [("row", "rejected")]
                failures[row.number] = row
            elif kind == "created":
                report.created += 1
            elif kind == "updated":
                report.updated += 1
            elif kind == "unchanged":
                report.unchanged += 1
            elif kind == "valid":  # dry run: an id means the SKU exists
                if result.id is None:
                    report.created += 1
                else:
                    report.updated += 1
    report.rows += len(sent.rows) + len(sent.rejected)
    for number in sorted(failures):
        report.fail(failures[number])
    if on_chunk is not None:
        on_chunk(report)
