"""Partial indexes of the notifications and webhook deliveries still to send.

The dispatcher's claim looked through every delivered row's index entries; these
indexes hold only what is pending, so claiming costs what the backlog costs.

Create Date: 2026-11-25 13:20:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"

# table, pending status, recipient column
_TABLES = (
    ("notifications", "queued", "recipient"),
    ("webhook_deliveries", "pending", "endpoint_id"),
)


def upgrade() -> None:
    for table, pending, recipient in _TABLES:
        where = sa.text(f"status = '{pending}'")
        partial: dict[str, Any] = {"postgresql_where": where, "sqlite_where": where}
        op.create_index(f"ix_{table}_due", table, ["next_attempt_at"], **partial)
        op.create_index(
            f"ix_{table}_pending_order", table, ["resource_key", recipient, "position"], **partial
        )


def downgrade() -> None:
    for table, _pending, _recipient in _TABLES:
        op.drop_index(f"ix_{table}_pending_order", table_name=table)
        op.drop_index(f"ix_{table}_due", table_name=table)
