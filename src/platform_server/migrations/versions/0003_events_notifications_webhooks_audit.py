"""Events (outbox and stream), notifications, webhooks, the audit trail, SMS opt-in.

Create Date: 2026-11-25 10:36:14.992917
"""

import sqlalchemy as sa
from alembic import op

from platform_server.migrations import schema

revision: str = "0003"
down_revision: str | None = "0002"


def upgrade() -> None:
    schema.create_table(
        "audit_records",
        *schema.actor(),
        schema.string("action", 100),
        schema.string("target_type", 50, nullable=True),
        schema.string("target_id", 64, nullable=True),
        schema.json("changes", nullable=True),
        schema.string("ip", 64, nullable=True),
        schema.string("request_id", 128, nullable=True),
        *schema.created_at_and_id(),
        indexes=["action", "actor_id", "created_at", "target_id"],
    )
    schema.create_table("event_stream", schema.integer("id"), schema.big_integer("last_position"))
    # The stream counter's one row exists up front: publishers lock it, never insert it.
    op.execute("INSERT INTO event_stream (id, last_position) VALUES (1, 0)")
    schema.create_table(
        "events",
        schema.string("type", 100),
        schema.string("resource_type", 50),
        schema.string("resource_id", 64),
        *schema.actor(),
        schema.json("data"),
        schema.string("request_id", 128, nullable=True),
        schema.timestamp("created_at"),
        schema.big_integer("position", nullable=True),
        schema.timestamp("published_at", nullable=True),
        schema.uuid("id"),
        unique=["position"],
        indexes=["created_at", "resource_id", "type"],
    )
    schema.create_table(
        "notifications",
        schema.uuid("event_id", nullable=True),
        schema.uuid("user_id", nullable=True),
        schema.string("channel", 20),
        schema.string("recipient", 255),
        schema.string("template", 100),
        schema.string("subject", 255, nullable=True),
        schema.text("body_text"),
        schema.text("body_html", nullable=True),
        schema.timestamp("sent_at", nullable=True),
        *schema.id_and_timestamps(),
        *schema.delivery_state(),
        unique=[("event_id", "channel", "template", "recipient")],
        indexes=[
            "channel",
            "created_at",
            "event_id",
            "next_attempt_at",
            "position",
            "status",
            "template",
            "user_id",
        ],
    )
    schema.create_table(
        "webhook_endpoints",
        schema.string("url", 2000),
        schema.json("events"),
        schema.boolean("active"),
        schema.string("description", 500, nullable=True),
        schema.string("secret", 200),
        schema.string("disabled_reason", 500, nullable=True),
        schema.timestamp("failing_since", nullable=True),
        schema.uuid("created_by", nullable=True),
        *schema.id_and_timestamps(),
        indexes=["created_at"],
    )
    schema.create_table(
        "webhook_deliveries",
        schema.uuid("endpoint_id"),
        schema.uuid("event_id", nullable=True),
        schema.string("event_type", 100),
        schema.string("message_id", 100),
        schema.text("payload"),
        schema.integer("response_code", nullable=True),
        schema.integer("duration_ms", nullable=True),
        schema.timestamp("delivered_at", nullable=True),
        *schema.id_and_timestamps(),
        *schema.delivery_state(),
        deleted_with={"endpoint_id": "webhook_endpoints"},
        unique=[("endpoint_id", "event_id")],
        indexes=["created_at", "endpoint_id", "event_id", "next_attempt_at", "position", "status"],
    )

    with op.batch_alter_table("user_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sms_opt_in", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_profiles", schema=None) as batch_op:
        batch_op.drop_column("sms_opt_in")

    schema.drop_indexes(
        "webhook_deliveries",
        "status",
        "position",
        "next_attempt_at",
        "event_id",
        "endpoint_id",
        "created_at",
    )

    op.drop_table("webhook_deliveries")
    schema.drop_indexes("webhook_endpoints", "created_at")

    op.drop_table("webhook_endpoints")
    schema.drop_indexes(
        "notifications",
        "user_id",
        "template",
        "status",
        "position",
        "next_attempt_at",
        "event_id",
        "created_at",
        "channel",
    )

    op.drop_table("notifications")
    schema.drop_indexes("events", "type", "resource_id", "created_at")

    op.drop_table("events")
    op.drop_table("event_stream")
    schema.drop_indexes("audit_records", "target_id", "created_at", "actor_id", "action")

    op.drop_table("audit_records")
