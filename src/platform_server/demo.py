"""Demo data for `platform server run --demo`; later domains add their own seeders here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from platform_server.core.database import Database
from platform_server.core.permissions import Role
from platform_server.demo_commerce import seed_commerce
from platform_server.events import api as events
from platform_server.users import api as users

DEMO_ADMIN_EMAIL = "admin@demo.platform.test"
_DEMO_USERS = [
    ("staff@demo.platform.test", "Sam Staff", Role.STAFF),
    ("alice@demo.platform.test", "Alice Customer", Role.CUSTOMER),
    ("bob@demo.platform.test", "Bob Customer", Role.CUSTOMER),
    ("carol@demo.platform.test", "Carol Customer", Role.CUSTOMER),
]


@dataclass(frozen=True)
class DemoCredentials:
    email: str
    password: str


async def ensure_admin(db: Database, email: str, password: str, name: str = "Admin") -> bool:
    """Create the admin, or reset its password and role; True when it was created."""
    password_hash = await users.hash_password_async(password)
    async with db.transaction() as session:
        user = await users.find_by_email(session, email)
        if user is not None:
            await users.restore_admin(session, user.id, password_hash)
            return False
        users.add_user(
            session, email=email, name=name, password_hash=password_hash, role=Role.ADMIN.value
        )
        return True


async def seed(db: Database) -> DemoCredentials:
    """Idempotent: running it again adds nothing but gives the admin a fresh password."""
    password = secrets.token_urlsafe(12)
    await ensure_admin(db, DEMO_ADMIN_EMAIL, password, name="Demo Admin")
    shared_hash = await users.hash_password_async(secrets.token_urlsafe(12))
    async with db.transaction() as session:
        for email, name, role in _DEMO_USERS:
            if await users.find_by_email(session, email) is None:
                users.add_user(
                    session, email=email, name=name, password_hash=shared_hash, role=role.value
                )
    customers = [email for email, _, role in _DEMO_USERS if role == Role.CUSTOMER]
    await seed_commerce(db, DEMO_ADMIN_EMAIL, customers)
    await _publish_as_history(db)
    return DemoCredentials(DEMO_ADMIN_EMAIL, password)


async def _publish_as_history(db: Database) -> None:
    """The seed's events join the stream as the past: listed and replayable, but nobody
    is emailed about demo orders and no webhook is called for them."""
    while True:
        async with db.transaction() as session:
            if not await events.publish_batch(session, 500):
                return
