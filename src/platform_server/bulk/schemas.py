from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from platform_server.core.schemas import InputModel, OutputModel

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
Direction = Literal["import", "export"]
FormatName = Literal["csv", "jsonl"]


class BulkImportIn(BaseModel):
    """The form fields of `POST /bulk/imports` (beside the `file`)."""

    # The form also carries the `file` part, which the route takes on its own.
    model_config = ConfigDict(extra="ignore")

    kind: str = Field(min_length=1, max_length=40, description="What the file holds: products")
    mode: str = Field("upsert", min_length=1, max_length=20, description="How rows apply")
    dry_run: bool = Field(False, description="Validate every row; write nothing")
    format: FormatName | None = Field(None, description="Default: from the file's name")
    create_categories: bool = Field(
        False, description="products: allow categories no product has yet (else the row fails)"
    )


class BulkExportIn(InputModel):
    kind: str = Field(min_length=1, max_length=40, description="What to export: products")
    format: FormatName = "csv"
    filters: dict[str, Any] = Field(
        default_factory=dict, description="The kind's filters (products: status, category)"
    )


class BulkProgressOut(OutputModel):
    done: int = Field(description="Rows processed so far")
    total: int | None = Field(description="Rows in the file (an import's estimate until done)")


class BulkCountsOut(OutputModel):
    created: int
    updated: int
    unchanged: int
    failed: int


class BulkErrorOut(OutputModel):
    type: str = Field(description="A problem type, e.g. /problems/file-encoding")
    detail: str


class BulkRequesterOut(OutputModel):
    id: uuid.UUID
    email: str


class BulkJobOut(OutputModel):
    id: uuid.UUID
    direction: Direction
    kind: str
    mode: str
    format: FormatName
    dry_run: bool
    filters: dict[str, Any]
    status: JobStatus
    progress: BulkProgressOut
    counts: BulkCountsOut
    filename: str | None
    error: BulkErrorOut | None = Field(description="Why the job failed; null otherwise")
    requested_by: BulkRequesterOut
    result_available: bool = Field(
        description="GET /bulk/jobs/{id}/result has the export file or the import report"
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class BulkJobFilters(BaseModel):
    status: JobStatus | None = None
