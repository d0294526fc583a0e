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
    ORDERS_WRITE = "orders:write"  # place, pay and cancel one's own orders
    ORDERS_MANAGE = "orders:manage"  # everyone's orders: fulfil, ship, deliver, refund
    CATALOG_WRITE = "catalog:write"
    INVENTORY_WRITE = "inventory:write"
    EVENTS_READ = "events:read"
    NOTIFICATIONS_MANAGE = "notifications:manage"  # everyone's notifications; retry
    WEBHOOKS_MANAGE = "webhooks:manage"
    AUDIT_READ = "audit:read"
    STATS_READ = "stats:read"  # the operator dashboard's figures


# What a new API key gets when no scopes are asked for: reading, never changing (least
# privilege; a key that must write names its scopes).
READ_ONLY = frozenset(p for p in Permission if p.value.endswith(":read"))

_CUSTOMER = frozenset({Permission.ACCOUNT_READ, Permission.ACCOUNT_WRITE, Permission.ORDERS_WRITE})
_STAFF = _CUSTOMER | {
    Permission.USERS_READ,
    Permission.ORDERS_MANAGE,
    Permission.CATALOG_WRITE,
    Permission.INVENTORY_WRITE,
    Permission.EVENTS_READ,
    Permission.NOTIFICATIONS_MANAGE,
    Permission.STATS_READ,
}
_ADMIN = frozenset(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CUSTOMER: _CUSTOMER,
    Role.STAFF: frozenset(_STAFF),
    Role.ADMIN: _ADMIN,
}


def permissions_for(role: str) -> frozenset[Permission]:
    return ROLE_PERMISSIONS.get(Role(role), frozenset())
