"""Credentials of a client: API key, or access and refresh tokens that rotate."""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from .models import TokenPair

REFRESH_MARGIN_SECONDS = 30.0


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT, read without verifying it (the server verifies)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return None
    return float(exp)


class AuthState:
    """Credentials shared by a client and its ``with_options`` copies.

    Shared rather than copied because refresh tokens rotate: if two copies refreshed
    the same refresh token, the server would see the second use as token theft and
    revoke the whole session.
    """

    def __init__(
        self,
        *,
        api_key: str | None,
        access_token: str | None,
        refresh_token: str | None,
        on_tokens_refreshed: Callable[[TokenPair], None] | None,
    ) -> None:
        self.api_key = api_key
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.on_tokens_refreshed = on_tokens_refreshed
        self.lock = threading.Lock()
        self.async_lock: asyncio.Lock | None = None
        self.clock: Callable[[], float] = time.time
        self._expires_at: float | None = None

    def bearer(self) -> str | None:
        return self.access_token or self.api_key

    def needs_refresh(self) -> bool:
        """True when a refresh token is held and the access token is missing or expiring."""
        if self.refresh_token is None:
            return False
        if self.access_token is None:
            return self.api_key is None
        # The lifetime the server announced is measured on our clock, so unlike the JWT's
        # ``exp`` it is immune to clock skew; ``exp`` covers tokens given to the constructor.
        expiry = self._expires_at or jwt_expiry(self.access_token)
        return expiry is not None and expiry - self.clock() <= REFRESH_MARGIN_SECONDS

    def store(self, pair: TokenPair) -> None:
        self.access_token = pair.access_token
        self.refresh_token = pair.refresh_token
        self._expires_at = self.clock() + pair.expires_in

    def clear_tokens(self) -> None:
        self.access_token = None
        self.refresh_token = None
        self._expires_at = None
