from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from platform_server.core.schemas import InputModel, OutputModel

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
Direction = Literal["import", "export"]
FormatName = Literal["csv", "jsonl"]

# The kinds the document names; the service checks a kind against the registry (an
# unknown one is a 422 listing the known ones), and tests/server/bulk checks that these
# lists and the registry agree.
IMPORT_KINDS = ("products", "inventory", "prices", "fulfillment", "users")
EXPORT_KINDS = ("products", "inventory", "orders", "users", "events", "audit")
IMPORT_MODES = ("upsert",)


def _one_of(values: tuple[str, ...], description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(values), "description": description})


class BulkImportIn(BaseModel):
    """The form fields of `POST /bulk/imports` (beside the `file`)."""

    # The form also carries the `file` part, which the route takes on its own.
    model_config = ConfigDict(extra="ignore")

    kind: Annotated[
        str, Field(min_length=1, max_length=40), _one_of(IMPORT_KINDS, "What the file holds")
    ]
    mode: Annotated[
        str, Field(min_length=1, max_length=20), _one_of(IMPORT_MODES, "How rows apply")
    ] = "upsert"
    dry_run: bool = Field(False, description="Validate every row; write nothing")
    # A form field is never null: left out, the format comes from the file's name.
    format: Annotated[
        FormatName | None, _one_of(("csv", "jsonl"), "Default: from the file's name")
    ] = None
    create_categories: bool = Field(
        False, description="products: allow categories no product has yet (else the row fails)"
    )


class BulkExportIn(InputModel):
    kind: Annotated[
        str, Field(min_length=1, max_length=40), _one_of(EXPORT_KINDS, "What to export")
    ]
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
