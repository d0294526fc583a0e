"""Readable references for payments and refunds: `#1001-P1` is order #1001's first payment
attempt, `#1001-R1` its first refund. Numbered per order, under the order's row lock (as
paying and refunding already take it), so no counter row is shared between orders.

Existing payments and refunds are numbered here in id order (UUIDv7: creation order).

Create Date: 2026-12-07 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"

_TABLES = {"payments": "P", "refunds": "R"}


def upgrade() -> None:
    for table, letter in _TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("reference", sa.String(length=40), nullable=True))
        # UPDATE … FROM works on PostgreSQL and on SQLite from 3.33.
        op.execute(
            sa.text(
                f"""
                UPDATE {table} SET reference = numbered.ref
                FROM (
                    SELECT t.id AS id, '#' || CAST(o.number AS VARCHAR(20)) || '-{letter}'
                        || CAST(row_number() OVER (PARTITION BY t.order_id ORDER BY t.id)
                                AS VARCHAR(20)) AS ref
                    FROM {table} t JOIN orders o ON o.id = t.order_id
                ) AS numbered
                WHERE {table}.id = numbered.id
                """  # noqa: S608 (the table names and letters are the constants above)
            )
        )
        with op.batch_alter_table(table) as batch:
            batch.create_index(op.f(f"ix_{table}_reference"), ["reference"], unique=True)


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f"ix_{table}_reference"))
            batch.drop_column("reference")
