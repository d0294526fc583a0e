"""The rules of bulk jobs: who may start and see them, and what a request must hold."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from fastapi import UploadFile
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.bulk import catalog as _catalog  # noqa: F401 - registers the kinds
from platform_server.bulk import repository
from platform_server.bulk.formats import BadFile, Scan, format_of, scanned
from platform_server.bulk.kinds import EXPORTS, IMPORTS
from platform_server.bulk.models import BulkJob
from platform_server.bulk.schemas import (
    BulkCountsOut,
    BulkErrorOut,
    BulkExportIn,
    BulkImportIn,
    BulkJobFilters,
    BulkJobOut,
    BulkProgressOut,
    BulkRequesterOut,
)
from platform_server.core.errors import Conflict, Forbidden, Unprocessable, found
from platform_server.core.ids import new_id
from platform_server.core.pagination import Page, PageParams
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings
from platform_server.storage.base import CHUNK_BYTES, Storage, check_key
from platform_server.storage.serving import safe_filename

FINISHED = ("succeeded", "failed", "cancelled")


def job_out(job: BulkJob) -> BulkJobOut:
    return BulkJobOut(
        id=job.id,
        direction=job.direction,
        kind=job.kind,
        mode=job.mode,
        format=job.format,
        dry_run=job.dry_run,
        filters=job.filters or {},
        status=job.status,
        progress=BulkProgressOut(done=job.rows_done, total=job.rows_total),
        counts=BulkCountsOut(
            created=job.created, updated=job.updated, unchanged=job.unchanged, failed=job.failed
        ),
        filename=job.filename,
        error=BulkErrorOut(type=job.error_type, detail=job.error or "") if job.error_type else None,
        requested_by=BulkRequesterOut(id=job.requested_by, email=job.requester_email),
        result_available=job.result_key is not None,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def job_prefix(job_id: uuid.UUID) -> str:
    return check_key(f"bulk/{job_id}")


def _new_job(actor: Principal, **values: object) -> BulkJob:
    return BulkJob(
        requested_by=actor.user_id,
        requester_email=actor.email,
        requester_role=actor.role,
        api_key_id=actor.api_key_id,
        status="queued",
        rows_done=0,
        chunks_done=0,
        created=0,
        updated=0,
        unchanged=0,
        failed=0,
        **values,
    )


def _unknown_kind(kind: str, known: list[str]) -> Unprocessable:
    return Unprocessable(
        f"There is no {kind!r} kind of bulk job; known: {', '.join(sorted(known))}.",
        errors=[{"loc": ["body", "kind"], "msg": f"one of: {', '.join(sorted(known))}"}],
    )


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK_BYTES):
        yield chunk


async def store_upload(
    storage: Storage,
    settings: Settings,
    actor: Principal,
    payload: BulkImportIn,
    upload: UploadFile,
) -> tuple[uuid.UUID, str, int]:
    """The uploaded file, scanned as it is stored: (job id, key, data rows). Runs before
    the request's session is used: a large upload never holds the database's writer."""
    kind = IMPORTS.get(payload.kind)
    if kind is None:
        raise _unknown_kind(payload.kind, list(IMPORTS))
    if not actor.can(kind.permission):  # before a byte is stored
        raise Forbidden(f"Importing {kind.name} needs the {kind.permission.value} permission.")
    if payload.mode not in kind.modes:
        raise Unprocessable(
            f"{kind.name} imports take mode {', '.join(kind.modes)}.",
            errors=[{"loc": ["body", "mode"], "msg": f"one of: {', '.join(kind.modes)}"}],
        )
    fmt = format_of(upload.filename, payload.format)
    job_id = new_id()
    key = f"{job_prefix(job_id)}/input"
    scan = Scan(fmt, settings.bulk_max_line_bytes)
    try:
        stream = scanned(_chunks(upload), scan, settings.bulk_upload_max_bytes)
        await storage.put(key, stream, content_type="application/octet-stream")
        total = scan.check(kind)
    except BadFile:
        await storage.delete(key)
        raise
    return job_id, key, total


async def create_import(
    session: AsyncSession,
    actor: Principal,
    payload: BulkImportIn,
    stored: tuple[uuid.UUID, str, int],
    filename: str | None,
) -> BulkJobOut:
    kind = IMPORTS[payload.kind]
    job_id, key, total = stored
    job = _new_job(
        actor,
        id=job_id,
        direction="import",
        kind=kind.name,
        mode=payload.mode,
        format=format_of(filename, payload.format),
        dry_run=payload.dry_run,
        # An import's options live beside an export's filters.
        filters={"create_categories": True} if payload.create_categories else {},
        rows_total=total,
        filename=safe_filename(filename, "upload"),
        input_key=key,
    )
    await repository.add(session, job)
    return job_out(job)


async def create_export(
    session: AsyncSession, actor: Principal, payload: BulkExportIn
) -> BulkJobOut:
    kind = EXPORTS.get(payload.kind)
    if kind is None:
        raise _unknown_kind(payload.kind, list(EXPORTS))
    if not actor.can(kind.permission):
        raise Forbidden(f"Exporting {kind.name} needs the {kind.permission.value} permission.")
    try:
        filters = kind.filters.model_validate(payload.filters)
    except ValidationError as exc:
        raise Unprocessable(
            "The filters are not valid for this kind.",
            errors=[
                {"loc": ["body", "filters", *map(str, e["loc"])], "msg": e["msg"]}
                for e in exc.errors()
            ],
        ) from None
    job = _new_job(
        actor,
        direction="export",
        kind=kind.name,
        mode="export",
        format=payload.format,
        dry_run=False,
        filters=filters.model_dump(mode="json", exclude_none=True),
    )
    await repository.add(session, job)
    return job_out(job)


def _visible(job: BulkJob | None, actor: Principal) -> BulkJob:
    # Someone else's job is as absent as a missing one: ids are not disclosed.
    if job is not None and (job.requested_by == actor.user_id or actor.role == "admin"):
        return job
    return found(None, "Bulk job not found.")


async def get_job(session: AsyncSession, job_id: uuid.UUID, actor: Principal) -> BulkJobOut:
    return job_out(_visible(await repository.get(session, job_id), actor))


async def list_jobs(
    session: AsyncSession, actor: Principal, page: PageParams, filters: BulkJobFilters
) -> Page[BulkJobOut]:
    """Admins see every job; anyone else their own."""
    mine = None if actor.role == "admin" else actor.user_id
    return await repository.page(session, page, job_out, requested_by=mine, status=filters.status)


async def cancel_job(session: AsyncSession, job_id: uuid.UUID, actor: Principal) -> BulkJobOut:
    """A running import stops before its next chunk: what committed stays applied."""
    job = _visible(await repository.get(session, job_id), actor)
    if job.status in FINISHED:
        raise Conflict(f"The job has already {job.status}; nothing to cancel.")
    await repository.cancel(session, job)
    return job_out(job)


async def result_of(session: AsyncSession, job_id: uuid.UUID, actor: Principal) -> tuple[str, str]:
    """(storage key, file name) of the job's result."""
    job = _visible(await repository.get(session, job_id), actor)
    if job.result_key is None:
        raise Conflict("The job has no result yet: it is written when the job ends.")
    suffix = "report" if job.direction == "import" else "export"
    return job.result_key, f"{job.kind}-{suffix}-{str(job.id)[:8]}.{job.format}"
