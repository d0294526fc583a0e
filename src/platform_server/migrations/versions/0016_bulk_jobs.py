"""Bulk jobs: imports and exports run on the server.

Create Date: 2026-12-07 05:30:00
"""

import sqlalchemy as sa
from alembic import op

from platform_server.migrations import schema

revision: str = "0016"
down_revision: str | None = "0015"


def upgrade() -> None:
    # Released with the database's own constraint names, not schema.create_table's: kept so.
    op.create_table(
        "bulk_jobs",
        schema.uuid("id"),
        schema.string("direction", 10),
        schema.string("kind", 40),
        schema.string("mode", 20),
        schema.string("format", 10),
        schema.boolean("dry_run"),
        schema.json("filters"),
        schema.string("status", 20),
        schema.integer("rows_done"),
        schema.integer("rows_total", nullable=True),
        schema.integer("created"),
        schema.integer("updated"),
        schema.integer("unchanged"),
        schema.integer("failed"),
        schema.integer("chunks_done"),
        schema.timestamp("started_at", nullable=True),
        schema.timestamp("finished_at", nullable=True),
        schema.uuid("requested_by"),
        schema.string("requester_email", 320),
        schema.string("requester_role", 20),
        schema.uuid("api_key_id", nullable=True),
        schema.string("lease_owner", 80, nullable=True),
        schema.timestamp("lease_until", nullable=True),
        schema.string("filename", 255, nullable=True),
        schema.string("input_key", 200, nullable=True),
        schema.string("result_key", 200, nullable=True),
        schema.string("error_type", 80, nullable=True),
        schema.text("error", nullable=True),
        *schema.timestamps(),
        sa.PrimaryKeyConstraint("id"),
    )
    schema.create_indexes("bulk_jobs", "created_at", "requested_by")
    op.create_index("ix_bulk_jobs_status_lease", "bulk_jobs", ["status", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_bulk_jobs_status_lease", table_name="bulk_jobs")
    schema.drop_indexes("bulk_jobs", "requested_by", "created_at")
    op.drop_table("bulk_jobs")
