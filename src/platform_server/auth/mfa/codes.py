"""The second factor's secrets: TOTP secrets (encrypted at rest), the sign-in challenge
(a short-lived JWT with purpose "mfa") and recovery codes (kept as HMACs)."""

from __future__ import annotations

import base64
import hmac
import secrets
import uuid
from datetime import timedelta

import jwt
import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from platform_server.core.database import utcnow
from platform_server.core.errors import Unauthenticated
from platform_server.core.security import keyed_hash
from platform_server.core.settings import Settings

PURPOSE = "mfa"
_ALGORITHM = "HS256"
# Recovery codes: 10 characters of an alphabet without look-alikes (50 bits), shown
# as two groups of five.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LEN = 10


def _fernet(settings: Settings) -> Fernet:
    """Fernet (AES-128-CBC + HMAC) under a key derived from the signing secret."""
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"platform mfa totp secret"
    ).derive(settings.signing_secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return pyotp.random_base32()


def encrypt(settings: Settings, secret: str) -> str:
    return _fernet(settings).encrypt(secret.encode()).decode()


def decrypt(settings: Settings, stored: str) -> str | None:
    """The secret, or None when it was encrypted under another signing secret."""
    try:
        return _fernet(settings).decrypt(stored.encode()).decode()
    except InvalidToken:
        return None


def provisioning_uri(settings: Settings, secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=settings.mfa_issuer)


def matching_step(secret: str, code: str) -> int | None:
    """The time step (this one, or one either side for clock drift) `code` is for."""
    code = code.strip()
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def looks_like_totp(code: str) -> bool:
    code = code.strip()
    return len(code) == 6 and code.isdigit()


def new_recovery_codes(count: int) -> list[str]:
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LEN))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_hash(settings: Settings, code: str) -> str:
    """The stored form: HMAC-SHA256 of the code without spaces, dashes or case."""
    normalized = "".join(c for c in code.lower() if c.isalnum())
    return keyed_hash(settings, "mfa-recovery:" + normalized)


# --- the sign-in challenge --------------------------------------------------------


def issue_challenge(settings: Settings, user_id: uuid.UUID) -> str:
    now = utcnow()
    claims = {
        "sub": str(user_id),
        "purpose": PURPOSE,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(minutes=settings.mfa_challenge_minutes),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, challenge_key(settings), algorithm=_ALGORITHM)


def read_challenge(settings: Settings, token: str) -> uuid.UUID:
    """The user a challenge was issued to; 401 when it expired, was forged or is another
    kind of token."""
    try:
        claims = jwt.decode(
            token,
            challenge_key(settings),
            algorithms=[_ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "purpose"]},
        )
        if claims["purpose"] != PURPOSE:
            raise jwt.InvalidTokenError("wrong purpose")
        return uuid.UUID(claims["sub"])
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated(
            "The sign-in challenge has expired; sign in with your password again.",
            type="/problems/mfa-challenge-expired",
        ) from exc
    except (jwt.InvalidTokenError, ValueError, KeyError) as exc:
        raise Unauthenticated(
            "The sign-in challenge is not valid; sign in with your password again.",
            type="/problems/mfa-challenge-invalid",
        ) from exc


def challenge_key(settings: Settings) -> str:
    # Its own key: an access token cannot pass as a challenge, nor the reverse.
    return keyed_hash(settings, "mfa-challenge-key")
