"""`platform products import` on top of a bulk job: the local header check before the
upload, and the job's per-row report read back into the summary the command prints."""

from __future__ import annotations

import csv
import json
from typing import TYPE_CHECKING, Any

from platform_cli.errors import UsageError
from platform_cli.product_files import Failure, FileFormat, ImportReport, check_header, open_text

if TYPE_CHECKING:
    from platform_sdk.models import BulkJob


def check_file(path: str, fmt: FileFormat) -> None:
    """The file can be read and, for a CSV, its header names known columns: checked here,
    so a missing file or a typo is a usage error and nothing is uploaded."""
    with open_text(path, fmt) as text:
        if fmt != "csv":
            return
        try:
            header = next(csv.reader(text))
        except StopIteration:
            raise UsageError("the CSV file is empty (no header row)") from None
        except UnicodeDecodeError:
            return  # the server names the problem (/problems/file-encoding)
    check_header(header)


def _errors(text: str) -> list[tuple[str, str]]:
    """`field: message; field: message` as the report writes them."""
    pairs = []
    for part in text.split("; "):
        field, sep, message = part.partition(": ")
        pairs.append((field, message) if sep else ("row", part))
    return pairs


def read_report(path: str, fmt: FileFormat, job: BulkJob, report: ImportReport) -> None:
    """Fill `report` from the job's report file (counts, and each failed row)."""
    with open(path, encoding="utf-8", newline="") as stream:
        rows: list[dict[str, Any]]
        if fmt == "csv":
            rows = [
                {**r, "row": int(r["row"]), "key": r["key"] or None, "error": r["error"] or None}
                for r in csv.DictReader(stream)
            ]
        else:
            rows = [json.loads(line) for line in stream if line.strip()]
    for row in rows:
        report.rows += 1
        outcome = row["outcome"]
        if outcome == "failed":
            report.failed += 1
            report.failures.append(Failure(row["row"], row["key"], _errors(row["error"] or "")))
        elif outcome in ("created", "updated", "unchanged"):
            setattr(report, outcome, getattr(report, outcome) + 1)
    # The job's counts are the truth; the report is their detail.
    assert report.failed == job.counts.failed, (report.failed, job.counts.failed)
