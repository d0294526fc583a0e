"""Recording what staff and admins change, and reading the trail back."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import repository
from platform_server.audit.schemas import AuditRecordOut
from platform_server.core.database import Database, utcnow
from platform_server.core.errors import found
from platform_server.core.ids import new_id
from platform_server.core.principal import Principal
from platform_server.core.request_context import current_client_ip, current_request_id

# Never written to the trail, whatever a caller passes in `changes`.
SECRET_FIELDS = frozenset(
    {"password", "password_hash", "new_password", "current_password", "secret", "token", "key"}
)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{"field": {"before": b, "after": a}} for each field whose value changed."""
    changes: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = {"before": old, "after": new}
    return changes


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name, None) for name in fields}


def by_staff(actor: Principal | None) -> bool:
    """Changes made by staff and admins are audited; customers' own changes mostly not."""
    return actor is not None and actor.role in ("staff", "admin")


def _row(
    action: str,
    actor: Principal | None,
    target_type: str | None,
    target_id: object,
    changes: Mapping[str, Any] | None,
    actor_email: str | None,
) -> dict[str, Any]:
    cleaned = {k: v for k, v in changes.items() if k not in SECRET_FIELDS} if changes else None
    return {
        "id": new_id(),
        "actor_id": actor.user_id if actor else None,
        "actor_email": (actor.email if actor else None) or actor_email,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id) if target_id is not None else None,
        "changes": jsonable_encoder(cleaned) if cleaned else None,
        "ip": current_client_ip(),
        "request_id": current_request_id(),
        "created_at": utcnow(),
    }


async def record(
    session: AsyncSession,
    action: str,
    *,
    actor: Principal | None,
    target_type: str | None = None,
    target_id: object = None,
    changes: Mapping[str, Any] | None = None,
    actor_email: str | None = None,
) -> None:
    """Append to the trail in the caller's transaction: recorded exactly when the change is."""
    row = _row(action, actor, target_type, target_id, changes, actor_email)
    await repository.insert_record(session, row)


async def record_now(
    db: Database,
    action: str,
    *,
    actor: Principal | None = None,
    target_type: str | None = None,
    target_id: object = None,
    changes: Mapping[str, Any] | None = None,
    actor_email: str | None = None,
) -> None:
    """In a transaction of its own: for what is recorded although the request fails
    (a failed login answers 401, and its transaction is rolled back)."""
    row = _row(action, actor, target_type, target_id, changes, actor_email)
    async with db.transaction() as session:
        await repository.insert_record(session, row)


# Listing has no rule beyond the route's permission: the repository's query as it is.
list_records = repository.list_records


async def get_record(session: AsyncSession, record_id: uuid.UUID) -> AuditRecordOut:
    record = await repository.get_record(session, record_id)
    return found(record, f"Audit record {record_id} does not exist.")
