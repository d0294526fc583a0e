"""What the kinds share: checking a row against a pydantic model, turning a domain's
outcome into the report's, writing times as the API does, and reading a domain's
keyset pages for an export."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.bulk.kinds import ExportKind, ImportKind, Outcome, RowRejected
from platform_server.core.database import Database
from platform_server.core.pagination import Page, PageParams, chunks
from platform_server.core.principal import Principal

M = TypeVar("M", bound=BaseModel)

# The domains say `error` (what their single-item APIs call it); the report says `failed`.
OUTCOMES: dict[str, Outcome] = {
    "created": "created",
    "updated": "updated",
    "unchanged": "unchanged",
    "valid": "valid",
    "error": "failed",
}


def checked(model: type[M], raw: Mapping[str, Any]) -> M:
    """`raw` as `model`, or `RowRejected` naming each bad column and why."""
    try:
        return model.model_validate(dict(raw))
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in error['loc']) or 'row'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)
        ]
        raise RowRejected("; ".join(problems)) from None


def stamp(value: Any) -> str | None:
    """A time as the API writes it (ISO 8601), None as an empty cell."""
    return value.isoformat() if value is not None else None


class CheckedImport(ImportKind):
    """An import whose rows are checked by a pydantic model (`row_model`): a bad value
    fails its row with the column and the reason."""

    row_model: ClassVar[type[BaseModel]]

    def validate_row(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        return checked(self.row_model, raw).model_dump()


class PagedExport(ExportKind):
    """An export of a domain's keyset pages (`page`), each read in a short transaction
    of its own (`core.pagination.chunks`); a row is the item's JSON, narrowed to
    `columns` (`row` may say otherwise)."""

    @abstractmethod
    async def page(self, session: AsyncSession, filters: Any, page: PageParams) -> Page[Any]:
        """One page of the domain's items, oldest first, from `page.cursor`."""

    def row(self, item: Any) -> Mapping[str, Any]:
        data = item.model_dump(mode="json")
        return {column: data.get(column) for column in self.columns}

    async def rows(
        self, db: Database, filters: BaseModel, actor: Principal
    ) -> AsyncIterator[Mapping[str, Any]]:
        async def read(session: AsyncSession, page: PageParams) -> Page[Any]:
            return await self.page(session, filters, page)

        async for item in chunks(db, read):
            yield self.row(item)
