"""Order numbers: `orders.number`, the number people quote (`#1001`).

On PostgreSQL new numbers come from the `order_numbers` sequence (no counter row that
every order would update); on SQLite the order's insert takes the highest number plus
one, safe because SQLite has one writer. Existing orders are numbered from 1001 in the
order they were placed; the sequence starts after the last of them.

Create Date: 2026-12-07 04:40:00
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"

FIRST = 1001


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("number", sa.BigInteger(), nullable=True))
    # UPDATE … FROM works on PostgreSQL and on SQLite from 3.33.
    op.execute(
        sa.text(
            """
            UPDATE orders SET number = numbered.n + :before_first
            FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM orders)
                AS numbered
            WHERE orders.id = numbered.id
            """
        ).bindparams(before_first=FIRST - 1)
    )
    with op.batch_alter_table("orders") as batch:
        batch.alter_column("number", existing_type=sa.BigInteger(), nullable=False)
        batch.create_unique_constraint(op.f("uq_orders_number"), ["number"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE SEQUENCE order_numbers START WITH {FIRST:d}")
        op.execute("SELECT setval('order_numbers', max(number)) FROM orders HAVING count(*) > 0")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS order_numbers")
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint(op.f("uq_orders_number"), type_="unique")
        batch.drop_column("number")
