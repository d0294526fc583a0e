"""Commerce: catalog with full-text search, inventory, orders, payments, invoices.

Create Date: 2026-11-25 08:12:26.686097
"""

import sqlalchemy as sa
from alembic import op

from platform_server.migrations.columns import (
    create_indexes,
    created_at_and_id,
    deleted_with,
    drop_indexes,
    id_and_timestamps,
)

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
    op.create_table(
        "invoice_sequence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_sequence")),
    )
    op.create_table(
        "invoices",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("buyer_email", sa.String(length=255), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
        sa.UniqueConstraint("order_id", name=op.f("uq_invoices_order_id")),
    )
    op.create_table(
        "orders",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("user_email", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("shipping_address", sa.JSON(), nullable=True),
        sa.Column("carrier", sa.String(length=100), nullable=True),
        sa.Column("tracking_number", sa.String(length=100), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        *id_and_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    create_indexes("orders", "created_at", "expires_at", "status", "user_email", "user_id")

    op.create_table(
        "payments",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("payment_method", sa.String(length=100), nullable=False),
        sa.Column("gateway", sa.String(length=50), nullable=False),
        sa.Column("gateway_reference", sa.String(length=255), nullable=True),
        sa.Column("failure_code", sa.String(length=100), nullable=True),
        sa.Column("failure_message", sa.String(length=500), nullable=True),
        sa.Column("refunded_amount", sa.Numeric(precision=14, scale=4), nullable=False),
        *created_at_and_id(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    create_indexes("payments", "created_at", "order_id", "user_id")

    op.create_table(
        "products",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        *id_and_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
    )
    create_indexes("products", "category", "created_at", "name", "price", "status")

    op.create_table(
        "stock_levels",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("low_stock_threshold", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "on_hand >= reserved", name=op.f("ck_stock_levels_on_hand_covers_reserved")
        ),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_stock_levels_reserved_not_negative")),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_stock_levels")),
    )
    op.create_table(
        "stock_movements",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("on_hand_after", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        *created_at_and_id(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    create_indexes("stock_movements", "created_at", "product_id")

    op.create_table(
        "order_history",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        *created_at_and_id(),
        deleted_with("order_history", "order_id", "orders"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_history")),
    )
    create_indexes("order_history", "created_at", "order_id")

    op.create_table(
        "order_items",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("subtotal", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        deleted_with("order_items", "order_id", "orders"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_items")),
    )
    create_indexes("order_items", "order_id", "product_id")

    op.create_table(
        "refunds",
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("gateway_reference", sa.String(length=255), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        *created_at_and_id(),
        deleted_with("refunds", "payment_id", "payments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
    )
    create_indexes("refunds", "created_at", "order_id", "payment_id")

    _create_search()
    op.execute("INSERT INTO invoice_sequence (id, last_number) VALUES (1, 0)")


def downgrade() -> None:
    _drop_search()
    drop_indexes("refunds", "payment_id", "order_id", "created_at")

    op.drop_table("refunds")
    drop_indexes("order_items", "product_id", "order_id")

    op.drop_table("order_items")
    drop_indexes("order_history", "order_id", "created_at")

    op.drop_table("order_history")
    drop_indexes("stock_movements", "product_id", "created_at")

    op.drop_table("stock_movements")
    op.drop_table("stock_levels")
    drop_indexes("products", "status", "price", "name", "created_at", "category")

    op.drop_table("products")
    drop_indexes("payments", "user_id", "order_id", "created_at")

    op.drop_table("payments")
    drop_indexes("orders", "user_id", "user_email", "status", "expires_at", "created_at")

    op.drop_table("orders")
    op.drop_table("invoices")
    op.drop_table("invoice_sequence")
