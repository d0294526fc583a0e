"""Email verification and password reset: `users.email_verified_at` and `account_tokens`.

Accounts that exist before this revision count as verified (they were made before
anyone was asked to verify), so nobody loses the right to order by upgrading.

Create Date: 2026-12-07 02:40:00
"""

from alembic import op

from platform_server.migrations import schema

revision: str = "0009"
down_revision: str | None = "0008"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(schema.timestamp("email_verified_at", nullable=True))
    op.execute("UPDATE users SET email_verified_at = created_at")
    schema.create_table(
        "account_tokens",
        schema.uuid("id"),
        schema.string("purpose", 20),
        schema.uuid("user_id"),
        schema.string("token_hash", 64),
        schema.timestamp("created_at"),
        schema.timestamp("expires_at"),
        schema.timestamp("used_at", nullable=True),
        unique=["token_hash"],
        indexes=["user_id"],
    )


def downgrade() -> None:
    schema.drop_indexes("account_tokens", "user_id")
    op.drop_table("account_tokens")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_verified_at")
