"""HTTP for bulk jobs (`/bulk/imports`, `/bulk/exports`, `/bulk/jobs`)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    Query,
    Request,
    Response,
    UploadFile,
    status,
)

from platform_server.bulk import service
from platform_server.bulk.runner import RUNNER
from platform_server.bulk.schemas import BulkExportIn, BulkImportIn, BulkJobFilters, BulkJobOut
from platform_server.core.access import CurrentPrincipal
from platform_server.core.container import SettingsDep
from platform_server.core.database import DbSession
from platform_server.core.idempotency import creates
from platform_server.core.pagination import Page, PageQuery
from platform_server.storage.factory import StorageDep
from platform_server.storage.serving import DOWNLOAD_RESPONSES, PRIVATE, serve

router = APIRouter(prefix="/bulk", tags=["bulk"])
# The import route takes a multipart file (the request middleware's list).
UPLOAD_PATHS = (re.compile(r"/api/v1/bulk/imports"),)
WakeDep = Annotated[Callable[[], None], Depends(RUNNER.provide)]

_FILE_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "The file is larger than PLATFORM_BULK_UPLOAD_MAX_BYTES"},
    422: {
        "description": "Not CSV or JSONL (/problems/file-format), not UTF-8 throughout "
        "(/problems/file-encoding), wrong columns (/problems/file-columns), a line longer "
        "than PLATFORM_BULK_MAX_LINE_BYTES (/problems/file-line-too-long), or a bad field"
    },
    503: {"description": "File storage is unavailable; no job was created"},
}


@creates(
    router,
    "/imports",
    summary="Start an import job",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_FILE_ERRORS,
)
async def create_import(
    payload: Annotated[BulkImportIn, Form()],
    file: Annotated[UploadFile, File(description="A CSV (header row first) or JSONL file")],
    settings: SettingsDep,
    storage: StorageDep,
    wake: WakeDep,
    background: BackgroundTasks,
    session: DbSession,
    actor: CurrentPrincipal,
) -> BulkJobOut:
    """multipart/form-data: `file`, `kind`, `mode` (upsert), `dry_run`, `format`. The file
    is checked as it is stored (UTF-8, line length, columns); rows are checked and
    applied by the job, a chunk per transaction. Poll `GET /bulk/jobs/{id}`."""
    stored = await service.store_upload(storage, settings, actor, payload, file)
    job = await service.create_import(session, actor, payload, stored, file.filename)
    background.add_task(wake)  # once the job has committed
    return job


@creates(router, "/exports", summary="Start an export job", status_code=status.HTTP_202_ACCEPTED)
async def create_export(
    payload: BulkExportIn,
    wake: WakeDep,
    background: BackgroundTasks,
    session: DbSession,
    actor: CurrentPrincipal,
) -> BulkJobOut:
    """The file is written to storage as the rows stream from the database; download it
    from `GET /bulk/jobs/{id}/result` once the job has succeeded."""
    job = await service.create_export(session, actor, payload)
    background.add_task(wake)  # once the job has committed
    return job


@router.get("/jobs", summary="List bulk jobs")
async def list_jobs(
    session: DbSession,
    page: PageQuery,
    filters: Annotated[BulkJobFilters, Query()],
    actor: CurrentPrincipal,
) -> Page[BulkJobOut]:
    """Your jobs, newest first (an admin sees everyone's)."""
    return await service.list_jobs(session, actor, page, filters)


@router.get("/jobs/{id}", summary="Get a bulk job")
async def get_job(id: uuid.UUID, session: DbSession, actor: CurrentPrincipal) -> BulkJobOut:
    return await service.get_job(session, id, actor)


@router.post("/jobs/{id}/cancel", summary="Cancel a bulk job")
async def cancel_job(id: uuid.UUID, session: DbSession, actor: CurrentPrincipal) -> BulkJobOut:
    """Stops before the next chunk; committed chunks stay applied. 409 once finished."""
    return await service.cancel_job(session, id, actor)


@router.get(
    "/jobs/{id}/result",
    summary="Download a job's result",
    response_class=Response,
    responses={
        200: {
            "description": "The export file, or an import's report (row, key, outcome, error)",
            "content": {"text/csv": {}, "application/x-ndjson": {}},
        },
        409: {"description": "The job has not finished yet"},
        **DOWNLOAD_RESPONSES,
    },
)
async def job_result(
    request: Request,
    id: uuid.UUID,
    session: DbSession,
    storage: StorageDep,
    actor: CurrentPrincipal,
) -> Response:
    key, filename = await service.result_of(session, id, actor)
    return await serve(request, storage, key, filename=filename, cache_control=PRIVATE)
