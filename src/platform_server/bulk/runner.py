"""Running bulk jobs: claim one, lease it, apply it a chunk at a time.

A chunk's effects, its progress and the renewal of the lease commit in one
transaction; its report lines are written to storage just before that commit (a
re-run of the chunk overwrites them). A runner that dies leaves its lease to run
out; the next claim resumes after the last committed chunk, so no row applies twice.
Runs in `platform worker run` with a broker, in each API process without one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.exc import InterfaceError, OperationalError

from platform_server.bulk import catalog as _catalog  # noqa: F401 - registers the kinds
from platform_server.bulk import repository
from platform_server.bulk.formats import CONTENT_TYPES, FileFormat, encode_rows, read_rows
from platform_server.bulk.kinds import EXPORTS, IMPORTS, JobContext, Row, RowOutcome, RowRejected
from platform_server.bulk.models import BulkJob
from platform_server.bulk.service import job_out, job_prefix
from platform_server.core.container import Slot
from platform_server.core.database import Database
from platform_server.core.errors import Conflict, ProblemError
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings
from platform_server.events import api as events
from platform_server.storage.base import Storage, StorageUnavailable

logger = logging.getLogger("platform_server.bulk")

REPORT_COLUMNS = ("row", "key", "outcome", "error")
CONFLICT_RETRIES = 3
JOB_FAILED = "/problems/job-failed"


class Lost(Exception):
    """The job is no longer ours: cancelled, or taken over after our lease ran out."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the runner needs of a claimed job, read once."""

    id: uuid.UUID
    direction: str
    kind: str
    mode: str
    format: FileFormat
    dry_run: bool
    filters: dict[str, object]
    chunks_done: int
    rows_done: int
    input_key: str | None
    actor: Principal


def _snapshot(job: BulkJob) -> Snapshot:
    actor = Principal.of_role(
        job.requested_by, job.requester_email, job.requester_role, api_key_id=job.api_key_id
    )
    return Snapshot(
        job.id,
        job.direction,
        job.kind,
        job.mode,
        job.format,  # type: ignore[arg-type]
        job.dry_run,
        dict(job.filters or {}),
        job.chunks_done,
        job.rows_done,
        job.input_key,
        actor,
    )


class JobRunner:
    def __init__(self, db: Database, settings: Settings, storage: Storage) -> None:
        self.db = db
        self.settings = settings
        self.storage = storage
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """A job was created: look now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._forever(), name="bulk-jobs")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _forever(self) -> None:
        while True:
            try:
                while await self.run_once():
                    pass
            except Exception:  # the database may be down a moment: the next round tries again
                logger.exception("running bulk jobs failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.bulk_poll_seconds)
            self._wake.clear()

    async def run_once(self) -> bool:
        """Claim and run one job; False when there was none to claim."""
        async with self.db.transaction() as session:
            job = await repository.claim(session, self.owner, self.settings.bulk_lease_seconds)
            snap = _snapshot(job) if job is not None else None
        if snap is None:
            return False
        try:
            if snap.direction == "import":
                await self._run_import(snap)
            else:
                await self._run_export(snap)
        except Lost:
            logger.info("bulk job %s is no longer ours (cancelled or taken over)", snap.id)
        except (OperationalError, InterfaceError, StorageUnavailable, OSError):
            # Transient (the database or storage is unreachable): the lease runs out and
            # a runner (maybe this one) resumes the job. Anything else would fail again
            # the same way: the job fails instead of being retried forever.
            raise
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                async with self.db.transaction() as session:
                    await repository.release(session, snap.id, self.owner)
            raise
        except ProblemError as exc:
            await self._fail(snap, str(exc.extra.get("type") or JOB_FAILED), exc.detail)
        except Exception as exc:
            logger.exception("bulk job %s failed", snap.id)
            await self._fail(
                snap, JOB_FAILED, f"The job stopped on an internal error ({type(exc).__name__})."
            )
        return True

    # -- imports ---------------------------------------------------------------------------

    async def _run_import(self, snap: Snapshot) -> None:
        kind = IMPORTS[snap.kind]
        ctx = JobContext(snap.id, snap.actor, snap.mode, snap.dry_run, self.settings, snap.filters)
        size = self.settings.bulk_chunk_rows
        assert snap.input_key is not None
        rows = read_rows(self.storage.stream(snap.input_key), snap.format, kind)
        # Rows of committed chunks are read past, not applied again.
        skip = snap.rows_done
        chunk = snap.chunks_done
        batch: list[tuple[Row | None, RowOutcome | None]] = []
        async for raw in rows:
            if skip:
                skip -= 1
                continue
            batch.append(self._prepare(kind, raw))
            if len(batch) >= size:
                await self._commit_chunk(snap, ctx, chunk, batch)
                chunk += 1
                batch = []
        if batch:
            await self._commit_chunk(snap, ctx, chunk, batch)
            chunk += 1
        await self._finish_import(snap, chunk)

    @staticmethod
    def _prepare(kind: object, raw: object) -> tuple[Row | None, RowOutcome | None]:
        from platform_server.bulk.formats import RawRow
        from platform_server.bulk.kinds import ImportKind

        assert isinstance(kind, ImportKind) and isinstance(raw, RawRow)
        if raw.data is None:
            return None, RowOutcome(raw.number, raw.key, "failed", raw.error)
        key = raw.data.get(kind.key)
        key_text = str(key).strip() if key is not None else None
        try:
            return Row(raw.number, kind.validate_row(raw.data)), None
        except RowRejected as exc:
            return None, RowOutcome(raw.number, key_text, "failed", str(exc))

    async def _commit_chunk(
        self,
        snap: Snapshot,
        ctx: JobContext,
        chunk: int,
        batch: list[tuple[Row | None, RowOutcome | None]],
    ) -> None:
        kind = IMPORTS[snap.kind]
        rows = [row for row, _ in batch if row is not None]
        for attempt in range(CONFLICT_RETRIES):
            try:
                async with self.db.transaction() as session:
                    outcomes = [o for _, o in batch if o is not None]
                    if rows:
                        outcomes += await kind.apply_chunk(session, rows, ctx)
                    outcomes.sort(key=lambda o: o.number)
                    counts = {
                        "created": sum(o.outcome == "created" for o in outcomes),
                        "updated": sum(o.outcome == "updated" for o in outcomes),
                        "unchanged": sum(o.outcome == "unchanged" for o in outcomes),
                        "failed": sum(o.outcome == "failed" for o in outcomes),
                    }
                    ok = await repository.advance(
                        session,
                        snap.id,
                        self.owner,
                        chunk=chunk,
                        lease_seconds=self.settings.bulk_lease_seconds,
                        rows=len(batch),
                        counts=counts,
                    )
                    if not ok:
                        raise Lost
                    # Before the commit: a crash now re-runs the chunk, which rewrites this.
                    await self.storage.put_bytes(
                        self._segment(snap.id, chunk),
                        encode_rows(
                            snap.format, REPORT_COLUMNS, map(_report_row, outcomes), header=False
                        ),
                        content_type="application/octet-stream",
                    )
                break
            except Conflict:
                # Another import created some of these keys meanwhile: the chunk, again.
                if attempt == CONFLICT_RETRIES - 1:
                    raise
        pause = self.settings.bulk_pause_after_chunk
        if pause and chunk + 1 == pause:
            # For the crash test: hold here (lease and all) until the process is killed.
            logger.warning(
                "bulk job %s paused after chunk %d (PLATFORM_BULK_PAUSE_AFTER_CHUNK)",
                snap.id,
                pause,
            )
            await asyncio.Event().wait()

    @staticmethod
    def _segment(job_id: uuid.UUID, chunk: int) -> str:
        return f"{job_prefix(job_id)}/report-{chunk:07d}"

    async def _finish_import(self, snap: Snapshot, chunks: int) -> None:
        key = f"{job_prefix(snap.id)}/report"

        async def report() -> AsyncIterator[bytes]:
            if snap.format == "csv":
                yield encode_rows("csv", REPORT_COLUMNS, [], header=True)
            for n in range(chunks):
                async for piece in self.storage.stream(self._segment(snap.id, n)):
                    yield piece

        await self.storage.put(key, report(), content_type=CONTENT_TYPES[snap.format])
        async with self.db.transaction() as session:
            job = await repository.finish(
                session, snap.id, self.owner, status="succeeded", result_key=key
            )
            if job is None:
                raise Lost
            job.rows_total = job.rows_done
            await session.flush()
            await events.record(
                session, "job.succeeded", "job", job.id, job_out(job), actor=snap.actor
            )
        for n in range(chunks):
            await self.storage.delete(self._segment(snap.id, n))

    # -- exports ---------------------------------------------------------------------------

    async def _run_export(self, snap: Snapshot) -> None:
        kind = EXPORTS[snap.kind]
        filters = kind.filters.model_validate(snap.filters)
        key = f"{job_prefix(snap.id)}/export"
        done = 0
        every = self.settings.bulk_chunk_rows * 5

        async def body() -> AsyncIterator[bytes]:
            nonlocal done
            yield encode_rows(snap.format, kind.columns, [], header=snap.format == "csv")
            batch: list[Mapping[str, object]] = []
            async for row in kind.rows(self.db, filters, snap.actor):
                batch.append(row)
                if len(batch) >= 1000:
                    yield encode_rows(snap.format, kind.columns, batch, header=False)
                    done += len(batch)
                    batch = []
                    if done % every == 0:
                        await self._renew(snap, done)
            if batch:
                yield encode_rows(snap.format, kind.columns, batch, header=False)
                done += len(batch)

        # An export that dies is started again from the beginning: it only writes its file.
        await self.storage.put(key, body(), content_type=CONTENT_TYPES[snap.format])
        async with self.db.transaction() as session:
            job = await repository.finish(
                session,
                snap.id,
                self.owner,
                status="succeeded",
                result_key=key,
                rows_done=done,
                rows_total=done,
            )
            if job is None:
                raise Lost
            await events.record(
                session, "job.succeeded", "job", job.id, job_out(job), actor=snap.actor
            )

    async def _renew(self, snap: Snapshot, done: int) -> None:
        async with self.db.transaction() as session:
            if not await repository.renew(
                session, snap.id, self.owner, self.settings.bulk_lease_seconds, done
            ):
                raise Lost

    async def _fail(self, snap: Snapshot, type_: str, detail: str) -> None:
        async with self.db.transaction() as session:
            job = await repository.finish(
                session, snap.id, self.owner, status="failed", error_type=type_, error=detail[:2000]
            )
            if job is not None:
                await events.record(
                    session, "job.failed", "job", job.id, job_out(job), actor=snap.actor
                )


def _report_row(o: RowOutcome) -> dict[str, object]:
    return {"row": o.number, "key": o.key, "outcome": o.outcome, "error": o.error}


# The API process's runner (none in a process that leaves jobs to workers).
RUNNER: Slot[Callable[[], None]] = Slot("bulk_runner_wake")
