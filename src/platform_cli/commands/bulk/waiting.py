"""Waiting for a bulk job: a Rich progress bar on a terminal, plain lines otherwise,
and the exit code a CI script acts on (0 all rows done, 3 some failed, 1 the job failed);
saving its file whole."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platform_cli.context import columns

if TYPE_CHECKING:
    from collections.abc import Callable

    from platform_cli.output import Output
    from platform_sdk import Client
    from platform_sdk.models import BulkJob

COLUMNS = columns(
    "ID=id:id, KIND=kind, DIRECTION=direction, STATUS=status:status, DONE=progress.done, "
    "TOTAL=progress.total, CREATED=counts.created, UPDATED=counts.updated, "
    "UNCHANGED=counts.unchanged, FAILED=counts.failed, BY=requested_by.email, "
    "CREATED_AT=created_at:time"
)
POLL_SECONDS = 0.5


def default_result_path(job: BulkJob) -> Path:
    what = "report" if job.direction == "import" else "export"
    return Path(f"{job.kind}-{what}-{str(job.id)[:8]}.{job.format}")


def save_whole(path: Path, download: Callable[[Path], object]) -> None:
    """``download`` into ``<path>.part`` beside ``path``, renamed to ``path`` once complete:
    a download that fails or is interrupted leaves no half-written file."""
    partial = path.with_name(path.name + ".part")
    try:
        download(partial)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _line(job: BulkJob) -> str:
    total = f"/{job.progress.total:,}" if job.progress.total is not None else ""
    return f"{job.kind} {job.direction} {job.status}: {job.progress.done:,}{total} rows"


def wait(sdk: Client, out: Output, job: BulkJob, *, lines: bool = True) -> BulkJob:
    """Poll until the job ends, showing its progress on stderr: a bar on a terminal,
    else a plain line per change (none when not `lines`)."""
    from platform_cli import terminal

    if terminal.stderr_is_tty():
        return _with_bar(sdk, out, job)
    shown = ""
    while True:
        line = _line(job)
        if lines and line != shown:  # a line per change, never a flood of identical ones
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
            shown = line
        if job.finished:
            return job
        time.sleep(POLL_SECONDS)
        job = sdk.bulk.jobs.get(job.id)


def _with_bar(sdk: Client, out: Output, job: BulkJob) -> BulkJob:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn(f"{job.kind} {job.direction}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows {task.fields[status]}"),
        TimeElapsedColumn(),
        console=out.err_console(),
        transient=True,
    )
    with bar:
        task = bar.add_task("", total=job.progress.total, status=job.status)
        while True:
            bar.update(
                task, completed=job.progress.done, total=job.progress.total, status=job.status
            )
            if job.finished:
                return job
            time.sleep(POLL_SECONDS)
            job = sdk.bulk.jobs.get(job.id)


def summary(job: BulkJob) -> str:
    c = job.counts
    if job.direction == "export":
        return f"Exported {job.progress.done:,} {job.kind} rows."
    verb = "Checked (dry run)" if job.dry_run else "Imported"
    what = job.filename or job.kind
    return (
        f"{verb} {what}: {job.progress.done:,} rows: {c.created:,} created, {c.updated:,} "
        f"updated, {c.unchanged:,} unchanged, {c.failed:,} failed."
        + (" Nothing was changed." if job.dry_run else "")
    )


def finish(sdk: Client, out: Output, job: BulkJob, report: Path | None) -> Any:
    """Print the outcome; raise the exit code a CI script acts on."""
    from platform_cli.errors import CLIError, ExitCode

    if job.status == "failed":
        reason = job.error.detail if job.error else "unknown reason"
        kind = f" ({job.error.type})" if job.error else ""
        raise CLIError(f"the {job.kind} {job.direction} failed: {reason}{kind}")
    if job.status == "cancelled":
        raise CLIError(
            f"the {job.kind} {job.direction} was cancelled after {job.progress.done:,} rows"
        )
    if out.format == "table":
        out.info(summary(job))
    else:
        out.one(job, COLUMNS)
    if job.direction == "import" and job.counts.failed:
        target = report or default_result_path(job)
        sdk.bulk.jobs.result(job.id, target)
        raise CLIError(
            f"{job.counts.failed:,} of {job.progress.done:,} rows failed; the report is {target}",
            exit_code=ExitCode.PARTIAL,
        )
