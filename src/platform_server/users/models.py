from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, TimestampMixin, utcnow


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    # Stored lower-cased, so the unique index makes emails unique case-insensitively.
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(50), default="customer", index=True)
    status: Mapped[str] = mapped_column(String(50), default="active", index=True)
    # When the user proved they own `email` (None: not yet; staff-made users are verified).
    email_verified_at: Mapped[datetime | None]


class UserProfile(Base):
    __tablename__ = "user_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    bio: Mapped[str | None] = mapped_column(Text)
    # The served URL of the uploaded avatar (read-only for clients since files came);
    # rows from before may still hold the URL a client once gave.
    avatar_url: Mapped[str | None] = mapped_column(String(500))
    # Where the uploaded avatar lies in storage, and its media type.
    avatar_key: Mapped[str | None] = mapped_column(String(200))
    avatar_content_type: Mapped[str | None] = mapped_column(String(50))
    location: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(50))
    # Order updates by SMS are sent only to users who asked for them.
    sms_opt_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
