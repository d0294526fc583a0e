from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ._base import PlatformModel


class TokenPair(PlatformModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int

    def __repr__(self) -> str:
        # Tokens are secrets; keep them out of logs and tracebacks that print the object.
        return f"TokenPair(token_type={self.token_type!r}, expires_in={self.expires_in})"

    __str__ = __repr__


class Session(PlatformModel):
    id: UUID
    user_agent: str | None = None
    ip_address: str | None = None
    created_at: datetime
    last_used_at: datetime | None = None
    expires_at: datetime
    revoked_at: datetime | None = None
    mfa: bool = False
    current: bool = False


class MfaEnrollment(PlatformModel):
    """A new TOTP secret and its ``otpauth://`` URI, shown once; on after ``confirm``."""

    secret: str
    provisioning_uri: str

    def __repr__(self) -> str:
        return "MfaEnrollment(secret=..., provisioning_uri=...)"

    __str__ = __repr__


class MfaRecoveryCodes(PlatformModel):
    """Single-use recovery codes, shown once."""

    recovery_codes: list[str]

    def __repr__(self) -> str:
        return f"MfaRecoveryCodes({len(self.recovery_codes)} codes)"

    __str__ = __repr__
