from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, Money, TimestampMixin


class Product(IdMixin, TimestampMixin, Base):
    """Full-text search lives beside the table, made by the migration per backend:
    an FTS5 table kept in sync by triggers on SQLite, a generated tsvector on PostgreSQL."""

    __tablename__ = "products"
    # A category's page, newest first, reads its own rows only (migration 0011).
    __table_args__ = (Index("ix_products_category_created_at", "category", "created_at", "id"),)

    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Money, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    category: Mapped[str] = mapped_column(String(100))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
