"""Stored invoices and credit notes: the documents' storage keys, the buyer's name as
issued, credit notes and their own number sequence.

Invoices issued before this revision have no stored documents: each is rendered and
stored the first time it is read (invoices/service.py, `freeze`), then served from
storage like any other.

Create Date: 2026-12-07 05:40:00
"""

from alembic import op

from platform_server.migrations import schema

revision: str = "0015"
down_revision: str | None = "0013"


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        for column in (schema.string("buyer_name", 255, nullable=True), *schema.stored_documents()):
            batch.add_column(column)
    schema.create_table(
        "credit_notes",
        schema.uuid("id"),
        schema.uuid("refund_id"),
        schema.uuid("payment_id"),
        schema.uuid("order_id"),
        schema.uuid("invoice_id"),
        schema.integer("number"),
        *schema.priced("amount"),
        schema.string("reason", 500, nullable=True),
        schema.timestamp("issued_at"),
        *schema.stored_documents(),
        unique=["number", "refund_id"],
        indexes=["payment_id", "order_id"],
    )
    # The credit notes' sequence (row 1 is the invoices').
    op.execute("INSERT INTO invoice_sequence (id, last_number) VALUES (2, 0)")


def downgrade() -> None:
    op.execute("DELETE FROM invoice_sequence WHERE id = 2")
    schema.drop_indexes("credit_notes", "order_id", "payment_id")
    op.drop_table("credit_notes")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("json_key")
        batch.drop_column("pdf_key")
        batch.drop_column("buyer_name")
