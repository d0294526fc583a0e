"""Drop the indexes the queued notifications and webhook deliveries no longer need.

Every queued row is written three times (queued, claimed, settled), and each write
that changes an indexed column touches every index of the table. The claim finds
rows through the partial indexes of 0004; the unique constraint (event, channel,
template, recipient) finds a notification by event; channel and template have few
values and are filtered on in a list walked by time.

Create Date: 2026-11-25 16:30:00
"""

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"

# (table, column) of each dropped single-column index
_DROPPED = (
    ("notifications", "position"),
    ("notifications", "next_attempt_at"),
    ("notifications", "event_id"),
    ("notifications", "channel"),
    ("notifications", "template"),
    ("webhook_deliveries", "position"),
    ("webhook_deliveries", "next_attempt_at"),
)


def upgrade() -> None:
    for table, column in _DROPPED:
        op.drop_index(f"ix_{table}_{column}", table_name=table)


def downgrade() -> None:
    for table, column in _DROPPED:
        op.create_index(f"ix_{table}_{column}", table, [column])
