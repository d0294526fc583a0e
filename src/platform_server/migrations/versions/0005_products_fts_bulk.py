"""SQLite: bulk inserts of products index their search text in one statement.

FTS5 writes its pending index data out at every statement savepoint, and a
trigger's insert runs in one per product row: indexing row by row cost about six
times the insert itself. While `products_fts_deferred` holds a row (only ever
inside the transaction of a bulk insert, which then indexes the new rows in one
INSERT … SELECT and empties it), the insert trigger stands aside.

Create Date: 2026-11-25 13:45:00
"""

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"

# The per-row trigger, before and after this revision.
_EVERY_ROW = (
    "CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO products_fts(rowid, name, description, sku) "
    "VALUES (new.rowid, new.name, new.description, new.sku); END"
)
_UNLESS_DEFERRED = (
    "CREATE TRIGGER products_fts_insert AFTER INSERT ON products "
    "WHEN NOT EXISTS (SELECT 1 FROM products_fts_deferred) BEGIN "
    "INSERT INTO products_fts(rowid, name, description, sku) "
    "VALUES (new.rowid, new.name, new.description, new.sku); END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE products_fts_deferred (held INTEGER NOT NULL)")
    op.execute("DROP TRIGGER products_fts_insert")
    op.execute(_UNLESS_DEFERRED)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER products_fts_insert")
    op.execute(_EVERY_ROW)
    op.execute("DROP TABLE products_fts_deferred")
