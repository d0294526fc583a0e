"""What a kind of bulk job is: the contract every import and export kind implements.

The runner (`runner.py`) reads the file, validates each row with `validate_row`, and
hands rows to `apply_chunk` a chunk at a time, inside the one transaction that also
records the chunk's progress: a chunk takes effect whole, with its progress, or not
at all. A kind reaches its domain only through that domain's `api.py`.

A new kind is a module that subclasses `ImportKind` or `ExportKind` and calls
`register(...)`, plus one import line in `catalog.py`.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.database import Database
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings

Outcome = Literal["created", "updated", "unchanged", "valid", "failed"]


class RowRejected(Exception):
    """A row that cannot be applied (bad value, unknown key): it fails alone, the rest
    of its chunk goes on. The message is shown in the report, so it names no secret."""


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of the file, numbered as the CLI's reports always did: in a CSV the
    header is row 1 (the first data row is 2), in JSONL the line number."""

    number: int
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What happened to one row; `key` is the row's natural key (a SKU, an email)."""

    number: int
    key: str | None
    outcome: Outcome
    error: str | None = None


@dataclass(frozen=True, slots=True)
class JobContext:
    job_id: uuid.UUID
    # The requester, as the job acts for them (their permissions as of now).
    actor: Principal
    mode: str
    dry_run: bool
    # The running process's settings: what a kind's domain function needs (the users
    # import's invitations: the token key, how long the link lives, the email limits).
    settings: Settings
    # The import's options (products: `create_categories`).
    options: Mapping[str, Any] = field(default_factory=dict)


class NoFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImportKind(ABC):
    name: ClassVar[str]
    # Every column the kind reads; a file with any other is refused at once.
    columns: ClassVar[tuple[str, ...]]
    # Columns also taken when they start with one of these (products: `attr.<name>`).
    column_prefixes: ClassVar[tuple[str, ...]] = ()
    # Columns a CSV header (or each JSONL object) must have.
    required: ClassVar[tuple[str, ...]]
    # The column that names a row in the report.
    key: ClassVar[str]
    modes: ClassVar[tuple[str, ...]] = ("upsert",)
    # What the requester needs to start it (checked when the job is created, against the
    # caller's permissions then, an API key's scopes included).
    permission: ClassVar[Permission]

    def validate_row(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The row as `apply_chunk` takes it, or `RowRejected`. CSV values arrive as
        strings ("" for an empty cell), JSONL values as JSON typed them. Pure: no I/O."""
        return dict(raw)

    @abstractmethod
    async def apply_chunk(
        self, session: AsyncSession, rows: Sequence[Row], ctx: JobContext
    ) -> list[RowOutcome]:
        """Apply `rows` in `session`'s transaction (never commit it): one outcome per
        row, any order. With `ctx.dry_run`, check against the same rules and write
        nothing; the outcome says what would happen (`created`, `updated`, `unchanged`,
        `failed`; `valid` when the kind cannot tell). Raise only for what fails the
        whole job (the chunk is rolled back); a bad row is an outcome `failed`."""


class ExportKind(ABC):
    name: ClassVar[str]
    # The file's columns, in order (JSONL objects have these keys).
    columns: ClassVar[tuple[str, ...]]
    # The filters the request may give, validated when the job is created.
    filters: ClassVar[type[BaseModel]] = NoFilters
    permission: ClassVar[Permission]

    @abstractmethod
    def rows(
        self, db: Database, filters: BaseModel, actor: Principal
    ) -> AsyncIterator[Mapping[str, Any]]:
        """Every row to export, streamed: read in keyset pages, each in a short read
        transaction of its own (`db.lookups()`), never the whole set at once. Values are
        JSON types (str, int, float, bool, None, list, dict); money as a decimal string."""


IMPORTS: dict[str, ImportKind] = {}
EXPORTS: dict[str, ExportKind] = {}


def register(kind: ImportKind | ExportKind) -> None:
    table: dict[str, Any] = IMPORTS if isinstance(kind, ImportKind) else EXPORTS
    if kind.name in table:
        raise ValueError(f"bulk kind {kind.name!r} registered twice")
    table[kind.name] = kind
