from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
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


class ProductImage(IdMixin, TimestampMixin, Base):
    """One uploaded picture of a product and its stored renditions. Its bytes never
    change (a new upload is a new row), so its URLs may be cached forever."""

    __tablename__ = "product_images"

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    # The name it was uploaded under, sanitised; shown, never part of a storage key.
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    # {"original": {"key", "width", "height", "size"}, "800": {...}, "200": {...}}
    renditions: Mapped[dict[str, Any]] = mapped_column(JSON)
