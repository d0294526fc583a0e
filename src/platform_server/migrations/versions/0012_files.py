"""Files: product images, and the stored avatar of a profile.

Create Date: 2026-12-07 04:50:00
"""

import sqlalchemy as sa
from alembic import op

from platform_server.migrations import schema

revision: str = "0012"
down_revision: str | None = "0011"


def upgrade() -> None:
    # Released with the database's own constraint names, not schema.create_table's: kept so.
    op.create_table(
        "product_images",
        schema.uuid("id"),
        schema.uuid("product_id"),
        schema.integer("position"),
        schema.boolean("is_primary"),
        schema.string("filename", 255),
        schema.string("content_type", 50),
        schema.integer("width"),
        schema.integer("height"),
        schema.integer("size_bytes"),
        schema.json("renditions"),
        *schema.timestamps(),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    schema.create_indexes("product_images", "product_id", "created_at")
    with op.batch_alter_table("user_profiles") as batch:
        batch.add_column(schema.string("avatar_key", 200, nullable=True))
        batch.add_column(schema.string("avatar_content_type", 50, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_profiles") as batch:
        batch.drop_column("avatar_content_type")
        batch.drop_column("avatar_key")
    schema.drop_indexes("product_images", "created_at", "product_id")
    op.drop_table("product_images")
