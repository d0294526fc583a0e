from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, SubResource, endpoint, paginated
from .._files import Downloaded, FileSource, FileTarget
from .._types import DownloadOptions, M, PageOptions, RequestOptions, UploadOptions
from ..models import BulkJob
from ._calls import one, saved, uploaded

FileFormat = Literal["csv", "jsonl"]
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class BulkImports(Resource[M]):
    @endpoint("POST", "/api/v1/bulk/imports", creates=True)
    def create(
        self,
        kind: str,
        file: FileSource,
        *,
        mode: str = "upsert",
        dry_run: bool = False,
        format: FileFormat | None = None,
        create_categories: bool = False,
        **options: Unpack[UploadOptions],
    ) -> Call[BulkJob]:
        """Upload a CSV or JSONL file (a path or a binary file object, streamed) and start
        an import job; the answer is the queued job (poll ``bulk.jobs.get``).

        ``format`` defaults to the file name's extension; ``dry_run`` checks every row
        and writes nothing; ``create_categories`` (products) allows categories no product
        has yet, else such a row fails. A file that is not UTF-8 CSV/JSONL with the kind's
        columns is refused at once (422, a ``/problems/file-*`` type).
        """
        form = {"kind": kind, "mode": mode, "dry_run": "true" if dry_run else "false"}
        if format is not None:
            form["format"] = format
        if create_categories:
            form["create_categories"] = "true"
        return uploaded(BulkJob, file, options, form=form)


class BulkExports(Resource[M]):
    @endpoint("POST", "/api/v1/bulk/exports", creates=True)
    def create(
        self,
        kind: str,
        *,
        format: FileFormat = "csv",
        filters: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[BulkJob]:
        """Start an export job (``filters``: the kind's, e.g. products ``status``,
        ``category``); download the file with ``bulk.jobs.result`` once it succeeded."""
        body = {"kind": kind, "format": format, "filters": dict(filters or {})}
        return one(BulkJob, options, body=body)


class BulkJobs(Resource[M]):
    @paginated("GET", "/api/v1/bulk/jobs")
    def list(
        self, *, status: JobStatus | None = None, **options: Unpack[PageOptions]
    ) -> PageCall[BulkJob]:
        """Your jobs, newest first (an admin's: everyone's)."""
        ...

    @endpoint("GET", "/api/v1/bulk/jobs/{id}")
    def get(self, job_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[BulkJob]: ...

    @endpoint("POST", "/api/v1/bulk/jobs/{id}/cancel")
    def cancel(self, job_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[BulkJob]:
        """Stop before the next chunk (what committed stays applied); 409 once finished."""
        ...

    @endpoint("GET", "/api/v1/bulk/jobs/{id}/result")
    def result(
        self, job_id: UUID | str, to: FileTarget, **options: Unpack[DownloadOptions]
    ) -> Call[Downloaded]:
        """Stream the export file, or an import's report (row, key, outcome, error), to a
        path or a binary file object."""
        return saved(options, to, accept="*/*", path={"id": job_id})


class Bulk(Resource[M]):
    """Imports and exports run as server-side jobs (``imports``, ``exports``, ``jobs``)."""

    imports: SubResource[BulkImports[M]] = SubResource(lambda: BulkImports)

    exports: SubResource[BulkExports[M]] = SubResource(lambda: BulkExports)

    jobs: SubResource[BulkJobs[M]] = SubResource(lambda: BulkJobs)
