"""Stored invoices and credit notes: the documents' storage keys, the buyer's name as
issued, credit notes and their own number sequence.

Invoices issued before this revision have no stored documents: each is rendered and
stored the first time it is read (invoices/service.py, `freeze`), then served from
storage like any other.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("buyer_name", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pdf_key", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("json_key", sa.String(length=200), nullable=True))
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("refund_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pdf_key", sa.String(length=200), nullable=True),
        sa.Column("json_key", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_notes_number")),
        sa.UniqueConstraint("refund_id", name=op.f("uq_credit_notes_refund_id")),
    )
    op.create_index("ix_credit_notes_payment_id", "credit_notes", ["payment_id"])
    op.create_index("ix_credit_notes_order_id", "credit_notes", ["order_id"])
    # The credit notes' sequence (row 1 is the invoices').
    op.execute("INSERT INTO invoice_sequence (id, last_number) VALUES (2, 0)")


def downgrade() -> None:
    op.execute("DELETE FROM invoice_sequence WHERE id = 2")
    op.drop_index("ix_credit_notes_order_id", table_name="credit_notes")
    op.drop_index("ix_credit_notes_payment_id", table_name="credit_notes")
    op.drop_table("credit_notes")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("json_key")
        batch.drop_column("pdf_key")
        batch.drop_column("buyer_name")
