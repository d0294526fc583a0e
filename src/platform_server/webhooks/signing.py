"""Standard Webhooks signing (https://www.standardwebhooks.com/).

A secret is ``whsec_`` followed by the base64 of 24 to 32 random bytes; the HMAC key is
those bytes. A delivery carries three headers:

* ``webhook-id``: the message id, the same on every retry of one message;
* ``webhook-timestamp``: integer seconds since the Unix epoch;
* ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``.

Receivers verify with ``platform_sdk.webhooks.verify`` (or any Standard Webhooks library).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import secrets
from collections.abc import Sequence
from datetime import datetime

__all__ = [
    "MAX_SECRET_BYTES",
    "MIN_SECRET_BYTES",
    "SECRET_PREFIX",
    "generate_secret",
    "secret_key",
    "sign",
    "sign_all",
]

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 32


def generate_secret(nbytes: int = MAX_SECRET_BYTES) -> str:
    """A new signing secret: ``whsec_`` + base64 of ``nbytes`` (24 to 32) random bytes."""
    if not MIN_SECRET_BYTES <= nbytes <= MAX_SECRET_BYTES:
        raise ValueError(
            f"a webhook secret has {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes, not {nbytes}"
        )
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a secret (the base64 after ``whsec_``; the prefix is optional)."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("webhook secret is not base64 after the 'whsec_' prefix") from error
    if not key:
        raise ValueError("webhook secret is empty")
    return key


def sign(secret: str, msg_id: str, timestamp: float | datetime, body: bytes) -> dict[str, str]:
    """The ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers of ``body``.

    ``timestamp`` is seconds since the epoch (fractions are dropped) or an aware datetime;
    ``body`` the exact bytes sent, since the receiver verifies those bytes.
    """
    if not msg_id or any(c in msg_id for c in "\r\n"):
        raise ValueError("webhook message id must be non-empty and on one line")
    if isinstance(timestamp, datetime):
        if timestamp.tzinfo is None:
            raise ValueError("webhook timestamp datetime must be timezone-aware")
        seconds = math.floor(timestamp.timestamp())
    elif isinstance(timestamp, bool) or not math.isfinite(timestamp):
        raise ValueError(f"invalid webhook timestamp: {timestamp!r}")
    else:
        seconds = math.floor(timestamp)
    signed = f"{msg_id}.{seconds}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(seconds),
        "webhook-signature": "v1," + base64.b64encode(digest).decode("ascii"),
    }


def sign_all(
    signing_secrets: Sequence[str], msg_id: str, timestamp: float | datetime, body: bytes
) -> dict[str, str]:
    """As ``sign``, with one signature per secret in ``webhook-signature``, separated by
    spaces (Standard Webhooks): a receiver that knows any one of them accepts."""
    if not signing_secrets:
        raise ValueError("at least one webhook secret is needed")
    first, *others = signing_secrets
    headers = sign(first, msg_id, timestamp, body)
    extra = [sign(other, msg_id, timestamp, body)["webhook-signature"] for other in others]
    headers["webhook-signature"] = " ".join([headers["webhook-signature"], *extra])
    return headers
