"""Verify webhooks sent by Platform (the Standard Webhooks scheme).

>>> from platform_sdk import webhooks
>>> event = webhooks.verify(raw_body, request_headers, secret="whsec_...")

``sign`` and ``generate_secret`` are the other side, for tools that send deliveries of their
own (``platform webhooks listen``) and for tests of a receiver.

Stdlib only, so importing it costs nothing beyond ``platform_sdk`` itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any

from .errors import WebhookVerificationError

__all__ = ["DEFAULT_TOLERANCE", "WebhookVerificationError", "generate_secret", "sign", "verify"]

DEFAULT_TOLERANCE = 300
"""Seconds a delivery's timestamp may differ from the receiver's clock, either way."""

_SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def verify(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> Any:
    """Check a delivery's signature and timestamp, then return its parsed JSON body.

    ``payload`` must be the raw request body exactly as received (not re-serialized JSON);
    ``headers`` any mapping of the request headers (names are matched case-insensitively);
    ``secret`` the endpoint's signing secret, with or without its ``whsec_`` prefix.
    A timestamp more than ``tolerance`` seconds from ``now`` (default: the current time)
    is refused, in either direction, so a captured delivery cannot be replayed later.
    Any of the space-separated ``v1`` signatures may match (several are sent while a
    secret is being rotated).

    Raises ``WebhookVerificationError`` when the delivery must not be trusted.
    """
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0 seconds, not {tolerance}")
    key = _secret_key(secret)
    body = _body_bytes(payload)

    lowered = {name.lower(): value for name, value in headers.items()}
    missing = [name for name in _HEADERS if not lowered.get(name, "").strip()]
    if missing:
        raise WebhookVerificationError(f"missing webhook header(s): {', '.join(missing)}")
    msg_id = lowered["webhook-id"].strip()
    raw_timestamp = lowered["webhook-timestamp"].strip()
    signatures = lowered["webhook-signature"]

    # Integer seconds, ASCII digits only; the length cap keeps int() cheap and in range.
    if not (raw_timestamp.isascii() and raw_timestamp.isdigit() and len(raw_timestamp) <= 15):
        raise WebhookVerificationError(
            f"malformed webhook-timestamp header {raw_timestamp[:32]!r}: "
            "expected integer seconds since the Unix epoch"
        )
    timestamp = int(raw_timestamp)
    current = time.time() if now is None else now
    if timestamp < current - tolerance:
        raise WebhookVerificationError(
            f"webhook timestamp is {current - timestamp:.0f}s old, beyond the {tolerance}s "
            "tolerance; refused as a possible replay"
        )
    if timestamp > current + tolerance:
        raise WebhookVerificationError(
            f"webhook timestamp is {timestamp - current:.0f}s in the future, beyond the "
            f"{tolerance}s tolerance; check the receiver's clock"
        )

    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = hmac.new(key, signed, hashlib.sha256).digest()
    candidates = 0
    for entry in signatures.split():
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue
        candidates += 1
        try:
            received = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(expected, received):
            break
    else:
        if not candidates:
            raise WebhookVerificationError("webhook-signature header has no v1 signature")
        raise WebhookVerificationError(
            f"no matching v1 signature (checked {candidates}): the body was altered "
            "or the secret is wrong"
        )

    try:
        return json.loads(body)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise WebhookVerificationError(
            f"webhook signature is valid but the payload is not JSON: {error}"
        ) from None


def generate_secret() -> str:
    """A new signing secret: ``whsec_`` followed by the base64 of 32 random bytes."""
    return _SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def sign(
    payload: bytes | str, secret: str, *, msg_id: str, timestamp: float | None = None
) -> dict[str, str]:
    """The ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers that make
    ``payload`` (the exact body sent) pass :func:`verify` with ``secret``.

    ``timestamp``: seconds since the epoch (default: now; fractions are dropped).
    """
    if not msg_id or any(c in msg_id for c in "\r\n"):
        raise ValueError("webhook message id must be non-empty and on one line")
    seconds = int(time.time() if timestamp is None else timestamp)
    signed = f"{msg_id}.{seconds}.".encode() + _body_bytes(payload)
    digest = hmac.new(_secret_key(secret), signed, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(seconds),
        "webhook-signature": "v1," + base64.b64encode(digest).decode("ascii"),
    }


def _secret_key(secret: str) -> bytes:
    encoded = secret.strip().removeprefix(_SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError(
            "malformed webhook secret: expected 'whsec_' followed by base64"
        ) from None
    if not key:
        raise WebhookVerificationError("malformed webhook secret: it is empty")
    return key


def _body_bytes(payload: bytes | str) -> bytes:
    if isinstance(payload, str):
        try:
            return payload.encode("utf-8")
        except UnicodeEncodeError:
            raise WebhookVerificationError("webhook payload is not valid UTF-8 text") from None
    return bytes(payload)
