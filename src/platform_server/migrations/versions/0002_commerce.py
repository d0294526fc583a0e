"""Commerce: catalog with full-text search, inventory, orders, payments, invoices.

Create Date: 2026-11-25 08:12:26.686097
"""

import sqlalchemy as sa
from alembic import op

from platform_server.migrations import schema

revision: str = "0002"
down_revision: str | None = "0001"


_SQLITE_SEARCH = [
    # External-content FTS5 over the products table's rowid, kept in sync by triggers.
    "CREATE VIRTUAL TABLE products_fts USING fts5("
    "name, description, sku, content='products', content_rowid='rowid', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO products_fts(rowid, name, description, sku) "
    "VALUES (new.rowid, new.name, new.description, new.sku); END",
    "CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO products_fts(products_fts, rowid, name, description, sku) "
    "VALUES ('delete', old.rowid, old.name, old.description, old.sku); END",
    "CREATE TRIGGER products_fts_update AFTER UPDATE OF name, description, sku ON products BEGIN "
    "INSERT INTO products_fts(products_fts, rowid, name, description, sku) "
    "VALUES ('delete', old.rowid, old.name, old.description, old.sku); "
    "INSERT INTO products_fts(rowid, name, description, sku) "
    "VALUES (new.rowid, new.name, new.description, new.sku); END",
]
_POSTGRES_SEARCH = [
    "ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(sku, '') || ' ' || "
    "coalesce(description, ''))) STORED",
    "CREATE INDEX ix_products_search_vector ON products USING GIN (search_vector)",
]


def _create_search() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_SEARCH if dialect == "sqlite" else _POSTGRES_SEARCH:
        op.execute(statement)


def _drop_search() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS products_fts_{name}")
        op.execute("DROP TABLE IF EXISTS products_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_products_search_vector")
        op.execute("ALTER TABLE products DROP COLUMN IF EXISTS search_vector")


def upgrade() -> None:
    schema.create_table("invoice_sequence", schema.integer("id"), schema.integer("last_number"))
    schema.create_table(
        "invoices",
        schema.uuid("order_id"),
        schema.integer("number"),
        schema.string("buyer_email", 255),
        schema.timestamp("issued_at"),
        schema.uuid("id"),
        unique=["number", "order_id"],
    )
    schema.create_table(
        "orders",
        schema.uuid("user_id"),
        schema.string("user_email", 255),
        schema.string("status", 20),
        *schema.priced("total"),
        schema.json("shipping_address", nullable=True),
        schema.string("carrier", 100, nullable=True),
        schema.string("tracking_number", 100, nullable=True),
        schema.timestamp("expires_at", nullable=True),
        *schema.id_and_timestamps(),
        indexes=["created_at", "expires_at", "status", "user_email", "user_id"],
    )
    schema.create_table(
        "payments",
        schema.uuid("order_id"),
        schema.uuid("user_id"),
        *schema.priced("amount"),
        schema.string("status", 20),
        schema.string("payment_method", 100),
        schema.string("gateway", 50),
        schema.string("gateway_reference", 255, nullable=True),
        schema.string("failure_code", 100, nullable=True),
        schema.string("failure_message", 500, nullable=True),
        schema.money("refunded_amount"),
        *schema.created_at_and_id(),
        indexes=["created_at", "order_id", "user_id"],
    )
    schema.create_table(
        "products",
        schema.string("sku", 64),
        schema.string("name", 255),
        schema.text("description"),
        *schema.priced("price"),
        schema.string("category", 100),
        schema.json("attributes"),
        schema.string("status", 20),
        *schema.id_and_timestamps(),
        unique=["sku"],
        indexes=["category", "created_at", "name", "price", "status"],
    )
    schema.create_table(
        "stock_levels",
        schema.uuid("product_id"),
        schema.integer("on_hand"),
        schema.integer("reserved"),
        schema.integer("low_stock_threshold"),
        schema.timestamp("updated_at"),
        sa.CheckConstraint(
            "on_hand >= reserved", name=op.f("ck_stock_levels_on_hand_covers_reserved")
        ),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_stock_levels_reserved_not_negative")),
        primary_key=["product_id"],
    )
    schema.create_table(
        "stock_movements",
        schema.uuid("product_id"),
        schema.integer("delta"),
        schema.integer("on_hand_after"),
        schema.string("kind", 20),
        schema.string("reason", 500),
        schema.uuid("actor_id", nullable=True),
        schema.uuid("order_id", nullable=True),
        *schema.created_at_and_id(),
        indexes=["created_at", "product_id"],
    )
    schema.create_table(
        "order_history",
        schema.uuid("order_id"),
        schema.string("from_status", 20, nullable=True),
        schema.string("to_status", 20),
        schema.uuid("actor_id", nullable=True),
        schema.string("note", 500, nullable=True),
        *schema.created_at_and_id(),
        deleted_with={"order_id": "orders"},
        indexes=["created_at", "order_id"],
    )
    schema.create_table(
        "order_items",
        schema.uuid("order_id"),
        schema.uuid("product_id"),
        schema.string("sku", 64),
        schema.string("name", 255),
        schema.integer("quantity"),
        schema.money("price"),
        schema.money("subtotal"),
        schema.integer("position"),
        schema.uuid("id"),
        deleted_with={"order_id": "orders"},
        indexes=["order_id", "product_id"],
    )
    schema.create_table(
        "refunds",
        schema.uuid("payment_id"),
        schema.uuid("order_id"),
        *schema.priced("amount"),
        schema.string("reason", 500, nullable=True),
        schema.string("gateway_reference", 255, nullable=True),
        schema.uuid("actor_id", nullable=True),
        *schema.created_at_and_id(),
        deleted_with={"payment_id": "payments"},
        indexes=["created_at", "order_id", "payment_id"],
    )

    _create_search()
    op.execute("INSERT INTO invoice_sequence (id, last_number) VALUES (1, 0)")


def downgrade() -> None:
    _drop_search()
    schema.drop_indexes("refunds", "payment_id", "order_id", "created_at")

    op.drop_table("refunds")
    schema.drop_indexes("order_items", "product_id", "order_id")

    op.drop_table("order_items")
    schema.drop_indexes("order_history", "order_id", "created_at")

    op.drop_table("order_history")
    schema.drop_indexes("stock_movements", "product_id", "created_at")

    op.drop_table("stock_movements")
    op.drop_table("stock_levels")
    schema.drop_indexes("products", "status", "price", "name", "created_at", "category")

    op.drop_table("products")
    schema.drop_indexes("payments", "user_id", "order_id", "created_at")

    op.drop_table("payments")
    schema.drop_indexes("orders", "user_id", "user_email", "status", "expires_at", "created_at")

    op.drop_table("orders")
    op.drop_table("invoices")
    op.drop_table("invoice_sequence")
