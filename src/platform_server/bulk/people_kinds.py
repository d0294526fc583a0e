"""Users (import: staff-made accounts invited by email; export: without secrets), and
the events and audit trail exports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.auth import api as auth
from platform_server.bulk.kinds import ImportKind, JobContext, Row, RowOutcome, register
from platform_server.bulk.rows import PagedExport, checked
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import Permission
from platform_server.events import api as events
from platform_server.users import api as users


class UsersImport(ImportKind):
    """`email,name[,role]`: new accounts (role `customer` unless given), each sent an
    invitation whose code sets its first password; nobody's password is in a file. An
    address that has an account is `unchanged` (nothing sent), so a file may run again."""

    name = "users"
    columns = ("email", "name", "role")
    required = ("email", "name")
    key = "email"
    # Choosing roles is an admin's right, as on `POST /users`.
    permission = Permission.USERS_WRITE

    def validate_row(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        given = {k: v for k, v in raw.items() if not (k == "role" and v in ("", None))}
        return checked(users.Invitation, given).model_dump()

    async def apply_chunk(
        self, session: AsyncSession, rows: Sequence[Row], ctx: JobContext
    ) -> list[RowOutcome]:
        outcomes = []
        seen: dict[str, int] = {}
        for row in rows:
            email = row.data["email"]
            if email in seen:
                error = f"email repeated (row {seen[email]} has it)"
                outcomes.append(RowOutcome(row.number, email, "failed", error))
                continue
            seen[email] = row.number
            if ctx.dry_run:
                taken = await users.find_by_email(session, email) is not None
                outcomes.append(RowOutcome(row.number, email, "unchanged" if taken else "valid"))
                continue
            user_id = await auth.invite(session, ctx.settings, actor=ctx.actor, **row.data)
            outcomes.append(RowOutcome(row.number, email, "created" if user_id else "unchanged"))
        return outcomes


class UserExportFilters(users.UserFilters):
    """`GET /users`' filters (role, status, q)."""

    model_config = ConfigDict(extra="forbid")


class UsersExport(PagedExport):
    """Every account, oldest first: who, role, status, when; never a password hash,
    token or second factor (the rows are `UserOut`, which holds none)."""

    name = "users"
    columns = ("id", "email", "name", "role", "status", "email_verified_at", "created_at")
    filters = UserExportFilters
    permission = Permission.USERS_READ

    async def page(
        self, session: AsyncSession, filters: Any, page: PageParams
    ) -> Page[users.UserOut]:
        return await users.export_page(session, page, filters)


Period = Annotated[datetime | None, Field(None)]


def _listed(value: object) -> object:
    """`order.paid,order.shipped` (the CLI's `--filter type=…`) as a list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class EventExportFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Annotated[list[Annotated[str, Field(max_length=100)]], BeforeValidator(_listed)] = Field(
        default_factory=list,
        max_length=50,
        description="Only these event types (a list, or one text of them with commas)",
    )
    created_after: Period = None
    created_before: Period = None


class EventsExport(PagedExport):
    name = "events"
    columns = (
        "id",
        "type",
        "resource_type",
        "resource_id",
        "actor_id",
        "actor_email",
        "data",
        "request_id",
        "created_at",
    )
    filters = EventExportFilters
    permission = Permission.EVENTS_READ

    async def page(
        self, session: AsyncSession, filters: Any, page: PageParams
    ) -> Page[events.EventOut]:
        wanted = events.EventFilters(
            types=filters.type,
            created_after=filters.created_after,
            created_before=filters.created_before,
        )
        return await events.export_page(session, page, wanted)

    def row(self, item: Any) -> Mapping[str, Any]:
        actor = item.actor
        return {
            **super().row(item),
            "actor_id": str(actor.id) if actor else None,
            "actor_email": actor.email if actor else None,
        }


class AuditExportFilters(audit.AuditFilters):
    """`GET /audit`'s filters (actor, action, target, period)."""

    model_config = ConfigDict(extra="forbid")


class AuditExport(PagedExport):
    name = "audit"
    columns = (
        "id",
        "created_at",
        "actor_id",
        "actor_email",
        "action",
        "target_type",
        "target_id",
        "changes",
        "ip",
        "request_id",
    )
    filters = AuditExportFilters
    permission = Permission.AUDIT_READ

    async def page(self, session: AsyncSession, filters: Any, page: PageParams) -> Page[Any]:
        return await audit.export_page(session, page, filters)


register(UsersImport())
register(UsersExport())
register(EventsExport())
register(AuditExport())
