"""Passwords (argon2id), access tokens (JWT), opaque tokens and API key secrets."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import string
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from platform_server.core.database import utcnow
from platform_server.core.errors import Unauthenticated
from platform_server.core.settings import Settings

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so both paths cost one hash check.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# --- access tokens ---------------------------------------------------------------


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    expires_at: datetime


class TokenSigner:
    """HS256 JWTs carrying `kid`, `iss`, `aud`, `exp`; everything is checked on decode."""

    algorithm = "HS256"

    def __init__(self, settings: Settings) -> None:
        self._secret = settings.signing_secret
        self.kid = hashlib.sha256(self._secret.encode()).hexdigest()[:16]
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self.ttl = timedelta(minutes=settings.access_token_minutes)
        # A client sends the same token for many requests: its signature is checked once
        # per process (failures are not kept), its expiry on every call.
        self._verified = functools.lru_cache(maxsize=4096)(self._check)

    def issue(self, user_id: uuid.UUID, session_id: uuid.UUID) -> str:
        now = utcnow()
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._secret, algorithm=self.algorithm, headers={"kid": self.kid})

    def verify(self, token: str) -> AccessClaims:
        claims = self._verified(token)
        if claims.expires_at <= utcnow():
            raise Unauthenticated("The access token has expired; refresh it.")
        return claims

    def _check(self, token: str) -> AccessClaims:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("kid") != self.kid:
                raise Unauthenticated("The access token was signed with an unknown key.")
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[self.algorithm],  # pins the algorithm: `alg: none` is refused
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "sid", "iss", "aud"]},
            )
            return AccessClaims(
                user_id=uuid.UUID(claims["sub"]),
                session_id=uuid.UUID(claims["sid"]),
                expires_at=datetime.fromtimestamp(claims["exp"], tz=utcnow().tzinfo),
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("The access token has expired; refresh it.") from exc
        except (jwt.InvalidTokenError, ValueError, KeyError) as exc:
            raise Unauthenticated("The access token is invalid.") from exc


# --- opaque secrets ---------------------------------------------------------------

API_KEY_PREFIX = "plat_"
_BASE62 = string.digits + string.ascii_letters
_KEY_BODY_LEN = 30
_CHECKSUM_LEN = 6


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rem = divmod(number, 62)
        chars.append(_BASE62[rem])
    return "".join(reversed(chars))


def new_api_key() -> str:
    """`plat_` + 30 random base62 chars + a 6-char CRC32 checksum (like GitHub's tokens)."""
    body = "".join(secrets.choice(_BASE62) for _ in range(_KEY_BODY_LEN))
    return f"{API_KEY_PREFIX}{body}{_base62(zlib.crc32(body.encode()), _CHECKSUM_LEN)}"


def is_well_formed_api_key(token: str) -> bool:
    if not token.startswith(API_KEY_PREFIX):
        return False
    rest = token[len(API_KEY_PREFIX) :]
    if len(rest) != _KEY_BODY_LEN + _CHECKSUM_LEN:
        return False
    body, checksum = rest[:_KEY_BODY_LEN], rest[_KEY_BODY_LEN:]
    return _base62(zlib.crc32(body.encode()), _CHECKSUM_LEN) == checksum


def new_refresh_token() -> str:
    return secrets.token_urlsafe(48)


def keyed_hash(settings: Settings, secret: str) -> str:
    """HMAC-SHA256 under the server secret: a stolen table alone cannot be replayed."""
    return hmac.new(settings.signing_secret.encode(), secret.encode(), hashlib.sha256).hexdigest()
