"""`platform bulk jobs list|get|cancel|report`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from platform_cli.commands.bulk.waiting import COLUMNS, default_result_path
from platform_cli.params import arg, opt
from platform_cli.verbs import Session, listing, showing, verb

if TYPE_CHECKING:
    from platform_sdk import Client

JobId = Annotated[str, arg(help="The job's id.")]


@listing(COLUMNS, empty="No bulk jobs.")
def list_jobs(
    sdk: Client,
    size: int,
    status: Annotated[
        Literal["queued", "running", "succeeded", "failed", "cancelled"] | None,
        opt(help="Only jobs in this state."),
    ] = None,
) -> Iterable[Any]:
    """Your bulk jobs, newest first (an admin sees everyone's)."""
    return sdk.bulk.jobs.list(status=status, limit=size)


@showing(COLUMNS)
def get(sdk: Client, job_id: JobId) -> Any:
    """Show a job: its state, progress and counts."""
    return sdk.bulk.jobs.get(job_id)


@showing(COLUMNS)
def cancel(sdk: Client, job_id: JobId) -> Any:
    """Stop a job before its next chunk (what committed stays applied)."""
    return sdk.bulk.jobs.cancel(job_id)


@verb(formats=False)
def report(
    session: Session,
    job_id: JobId,
    out_path: Annotated[
        Path | None, opt("--out", help="Where to write (default: a name from the job).")
    ] = None,
) -> None:
    """Download an import's per-row report (row, key, outcome, error) or an export's file."""
    job = session.sdk.bulk.jobs.get(job_id)
    target = out_path or default_result_path(job)
    with session.out.progress(f"Downloading {target.name}") as progress:
        got = session.sdk.bulk.jobs.result(job.id, target, progress=progress)
    session.out.info(f"Saved {got.size_bytes:,} bytes to {target}.")
