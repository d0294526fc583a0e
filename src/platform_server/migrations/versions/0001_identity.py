"""Identity: users, profiles, sessions, refresh tokens, API keys, idempotency keys.

Create Date: 2026-11-25 08:01:08.546792
"""

from alembic import op

from platform_server.migrations import schema

revision: str = "0001"
down_revision: str | None = None


def upgrade() -> None:
    schema.create_table(
        "api_keys",
        schema.uuid("user_id"),
        schema.string("name", 100),
        schema.string("prefix", 16),
        schema.string("key_hash", 64),
        schema.json("scopes"),
        schema.timestamp("expires_at", nullable=True),
        schema.timestamp("last_used_at", nullable=True),
        schema.timestamp("created_at"),
        schema.timestamp("revoked_at", nullable=True),
        schema.uuid("id"),
        unique=["key_hash"],
        indexes=["created_at", "user_id"],
    )
    schema.create_table(
        "idempotency_keys",
        schema.string("caller", 64),
        schema.string("key", 255),
        schema.string("request_hash", 64),
        schema.integer("status_code", nullable=True),
        schema.json("response_body", nullable=True),
        schema.timestamp("created_at"),
        primary_key=["caller", "key"],
        indexes=["created_at"],
    )
    schema.create_table(
        "sessions",
        schema.uuid("user_id"),
        schema.string("user_agent", 500, nullable=True),
        schema.string("ip_address", 64, nullable=True),
        schema.timestamp("created_at"),
        schema.timestamp("last_used_at"),
        schema.timestamp("expires_at"),
        schema.timestamp("revoked_at", nullable=True),
        schema.uuid("id"),
        indexes=["created_at", "user_id"],
    )
    schema.create_table(
        "users",
        schema.string("email", 255),
        schema.string("name", 255),
        schema.string("password_hash", 255),
        schema.string("role", 50),
        schema.string("status", 50),
        *schema.id_and_timestamps(),
        unique=["email"],
        indexes=["created_at", "role", "status"],
    )
    schema.create_table(
        "refresh_tokens",
        schema.string("token_hash", 64),
        schema.uuid("session_id"),
        schema.timestamp("created_at"),
        schema.timestamp("rotated_at", nullable=True),
        primary_key=["token_hash"],
        deleted_with={"session_id": "sessions"},
        indexes=["session_id"],
    )
    schema.create_table(
        "user_profiles",
        schema.uuid("user_id"),
        schema.text("bio", nullable=True),
        schema.string("avatar_url", 500, nullable=True),
        schema.string("location", 255, nullable=True),
        schema.string("phone", 50, nullable=True),
        schema.timestamp("updated_at"),
        primary_key=["user_id"],
        deleted_with={"user_id": "users"},
    )


def downgrade() -> None:
    op.drop_table("user_profiles")
    schema.drop_indexes("refresh_tokens", "session_id")

    op.drop_table("refresh_tokens")
    schema.drop_indexes("users", "status", "role", "created_at")

    op.drop_table("users")
    schema.drop_indexes("sessions", "user_id", "created_at")

    op.drop_table("sessions")
    schema.drop_indexes("idempotency_keys", "created_at")

    op.drop_table("idempotency_keys")
    schema.drop_indexes("api_keys", "user_id", "created_at")

    op.drop_table("api_keys")
