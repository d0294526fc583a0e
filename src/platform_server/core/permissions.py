"""Roles mapped to named permissions, in this one place. Endpoints declare what they need."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    CUSTOMER = "customer"


class Permission(StrEnum):
    ACCOUNT_READ = "account:read"
    ACCOUNT_WRITE = "account:write"
    USERS_READ = "users:read"
    USERS_WRITE = "users:write"


_CUSTOMER = frozenset({Permission.ACCOUNT_READ, Permission.ACCOUNT_WRITE})
_STAFF = _CUSTOMER | {Permission.USERS_READ}
_ADMIN = frozenset(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CUSTOMER: _CUSTOMER,
    Role.STAFF: frozenset(_STAFF),
    Role.ADMIN: _ADMIN,
}


def permissions_for(role: str) -> frozenset[Permission]:
    return ROLE_PERMISSIONS.get(Role(role), frozenset())
