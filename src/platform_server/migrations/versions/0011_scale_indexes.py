"""Indexes for lists that stay as fast at a million rows as at ten thousand.

Each list is newest first, keyset on (created_at, id), behind an equality filter: a
customer's orders, staff's orders in one status, a category's products. With the
filter's column alone indexed, a page read every row of the filter (all of a
customer's orders) and sorted them, or walked the time index and threw away the rows
of other customers (`bench/data_growth.py`, plans in docs/benchmarks.md). An index
on (filter, created_at, id) hands the page's rows over in order. Each replaces the
single-column index it starts with, so no write touches more indexes than before.

Create Date: 2026-12-07 04:30:00
"""

from contextlib import AbstractContextManager, nullcontext

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"

# (table, replaced single-column index's column, new index name)
_REPLACED = (
    ("orders", "user_id", "ix_orders_user_id_created_at"),
    ("orders", "status", "ix_orders_status_created_at"),
    ("products", "category", "ix_products_category_created_at"),
)


def upgrade() -> None:
    with _outside_a_transaction():
        for table, column, name in _REPLACED:
            op.create_index(name, table, [column, "created_at", "id"], postgresql_concurrently=True)
            op.drop_index(f"ix_{table}_{column}", table_name=table, postgresql_concurrently=True)


def downgrade() -> None:
    with _outside_a_transaction():
        for table, column, name in _REPLACED:
            op.create_index(f"ix_{table}_{column}", table, [column], postgresql_concurrently=True)
            op.drop_index(name, table_name=table, postgresql_concurrently=True)


def _outside_a_transaction() -> AbstractContextManager[None]:
    """On PostgreSQL the indexes are built CONCURRENTLY, which must run outside a
    transaction: orders keep being written while a million-row table is indexed.
    SQLite ignores the option."""
    if op.get_bind().dialect.name == "postgresql":
        return op.get_context().autocommit_block()
    return nullcontext()
