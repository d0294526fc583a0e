from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, utcnow


class MfaFactor(Base):
    """A user's TOTP secret, encrypted; on once `confirmed_at` is set."""

    __tablename__ = "mfa_factors"

    # No foreign key to users: domains own their tables; deletion goes through a hook.
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # The last time step a code was accepted for: an older or equal one is a replay.
    last_step: Mapped[int | None] = mapped_column(BigInteger)


class MfaRecoveryCode(IdMixin, Base):
    """A single-use recovery code, kept as an HMAC under the server secret."""

    __tablename__ = "mfa_recovery_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
