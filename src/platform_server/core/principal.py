"""Who is calling: resolved once per request by the auth domain."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from platform_server.core.permissions import Permission, permissions_for
from platform_server.core.request_context import note_caller


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    email: str
    role: str
    permissions: frozenset[Permission]
    session_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    # False until the user proves they own their address (`PLATFORM_REQUIRE_VERIFIED_EMAIL_FOR`).
    email_verified: bool = True

    @classmethod
    def of_role(
        cls,
        user_id: uuid.UUID,
        email: str,
        role: str,
        *,
        session_id: uuid.UUID | None = None,
        api_key_id: uuid.UUID | None = None,
        email_verified: bool = True,
    ) -> Principal:
        """A caller who may do all that `role` may (a scoped API key narrows that instead)."""
        permissions = permissions_for(role)
        return cls(user_id, email, role, permissions, session_id, api_key_id, email_verified)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def caller_key(self) -> str:
        """Scope for per-caller state such as idempotency keys."""
        return str(self.user_id)


_current: ContextVar[Principal | None] = ContextVar("platform_principal", default=None)


def current_principal() -> Principal | None:
    """The caller of the request being handled (None for the system's own jobs)."""
    return _current.get()


def set_current_principal(principal: Principal | None) -> None:
    _current.set(principal)
    if principal is not None:
        note_caller(principal.user_id, principal.api_key_id)
