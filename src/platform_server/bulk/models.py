"""The bulk domain's table: one row per import or export job."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, TimestampMixin


class BulkJob(IdMixin, TimestampMixin, Base):
    """A job's whole state. Its progress columns change only in the transaction that
    commits a chunk's effects, so a job resumed after a crash starts exactly after the
    last row that took effect."""

    __tablename__ = "bulk_jobs"
    # The runner's claim looks for queued jobs and running ones whose lease ran out.
    __table_args__ = (Index("ix_bulk_jobs_status_lease", "status", "lease_until"),)

    direction: Mapped[str] = mapped_column(String(10))  # import | export
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(20), default="upsert")
    format: Mapped[str] = mapped_column(String(10))  # csv | jsonl
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    # An export's filters, validated by its kind when the job was created.
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # Chunks committed so far: the next one to run, and the report segment it writes.
    chunks_done: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    requested_by: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # Who asked, as the job acts for them (email and role at the time; no secret).
    requester_email: Mapped[str] = mapped_column(String(320))
    requester_role: Mapped[str] = mapped_column(String(20))
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column()
    filename: Mapped[str | None] = mapped_column(String(255))
    input_key: Mapped[str | None] = mapped_column(String(200))
    result_key: Mapped[str | None] = mapped_column(String(200))
    # Why a job failed: a problem type and a sentence.
    error_type: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str | None] = mapped_column(Text)
