"""Events keep the W3C traceparent of the request that wrote them (tracing, optional).

Create Date: 2026-12-07 01:50:00
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"


def upgrade() -> None:
    op.add_column("events", sa.Column("trace_context", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("events", "trace_context")
