"""TOTP second factor: factors, recovery codes, and whether a session passed MFA.

`mfa_factors` holds one encrypted secret per user (confirmed or not) and the last time
step accepted, so a code cannot be replayed; `mfa_recovery_codes` their HMACs.

Create Date: 2026-12-07 02:40:00
"""

import sqlalchemy as sa
from alembic import op

from platform_server.migrations import schema

revision: str = "0010"
down_revision: str | None = "0009"


def upgrade() -> None:
    # Released with the database's own constraint names, not schema.create_table's: kept so.
    op.create_table(
        "mfa_factors",
        schema.uuid("user_id"),
        schema.string("secret_encrypted", 255),
        schema.timestamp("created_at"),
        schema.timestamp("confirmed_at", nullable=True),
        schema.big_integer("last_step", nullable=True),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "mfa_recovery_codes",
        schema.uuid("id"),
        schema.uuid("user_id"),
        schema.string("code_hash", 64),
        schema.timestamp("created_at"),
        schema.timestamp("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_mfa_recovery_codes_user_id", "mfa_recovery_codes", ["user_id"])
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("mfa", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("mfa")
    op.drop_index("ix_mfa_recovery_codes_user_id", table_name="mfa_recovery_codes")
    op.drop_table("mfa_recovery_codes")
    op.drop_table("mfa_factors")
