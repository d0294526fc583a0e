from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from ._base import PlatformModel

BulkJobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class BulkProgress(PlatformModel):
    """Rows processed so far, of ``total`` (an import's estimate until it is done)."""

    done: int
    total: int | None = None


class BulkCounts(PlatformModel):
    created: int
    updated: int
    unchanged: int
    failed: int


class BulkError(PlatformModel):
    """Why a job failed: a problem type (``/problems/file-encoding``) and a sentence."""

    type: str
    detail: str


class BulkRequester(PlatformModel):
    id: UUID
    email: str


class BulkJob(PlatformModel):
    """An import or export running on the server; poll ``bulk.jobs.get`` until
    ``finished``, then download ``bulk.jobs.result``."""

    id: UUID
    direction: Literal["import", "export"]
    kind: str
    mode: str
    format: Literal["csv", "jsonl"]
    dry_run: bool
    filters: dict[str, Any] = Field(default_factory=dict)
    status: BulkJobStatus
    progress: BulkProgress
    counts: BulkCounts
    filename: str | None = None
    error: BulkError | None = None
    requested_by: BulkRequester
    result_available: bool
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed", "cancelled")
