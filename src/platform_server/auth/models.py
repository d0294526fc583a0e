from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, utcnow


class Session(IdMixin, Base):
    """A refresh session: one per login, on one device."""

    __tablename__ = "sessions"

    # No foreign key to users: domains own their tables; deletion goes through a hook.
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    user_agent: Mapped[str | None] = mapped_column(String(500))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Whether this sign-in passed a second factor (TOTP or a recovery code).
    mfa: Mapped[bool] = mapped_column(default=False, server_default=false())


class RefreshToken(Base):
    """Every refresh token a session was given, kept hashed, to detect reuse."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rotated_at: Mapped[datetime | None]


class AccountToken(IdMixin, Base):
    """A one-time token sent by email (verify an address, reset a password), kept only
    as its keyed hash: the database alone never gives a usable token."""

    __tablename__ = "account_tokens"

    purpose: Mapped[str] = mapped_column(String(20))
    # No foreign key to users: deletion goes through the users hook.
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
