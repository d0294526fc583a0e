"""Webhook signing (server) and verification (SDK), cross-checked with `standardwebhooks`."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError as ReferenceError

import platform_sdk
from platform_sdk import PlatformError, WebhookVerificationError, webhooks
from platform_server.webhooks.signing import generate_secret, secret_key, sign

# The secret of the Standard Webhooks specification's own example.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NOW = 1_700_000_000
EVENT = {"type": "order.paid", "data": {"order_id": "ord_123", "total": "25.00"}}
BODY = json.dumps(EVENT).encode()


def test_generated_secret_has_the_standard_format() -> None:
    secrets = {generate_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert len(secret_key(generate_secret(24))) == 24
    for nbytes in (23, 33):
        with pytest.raises(ValueError, match="24 to 32 bytes"):
            generate_secret(nbytes)


def test_sign_produces_the_three_headers() -> None:
    headers = sign(SPEC_SECRET, "msg_1", NOW, BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == str(NOW)
    version, signature = headers["webhook-signature"].split(",")
    assert version == "v1"
    assert len(base64.b64decode(signature, validate=True)) == 32  # HMAC-SHA256


def test_sign_matches_the_specification_example() -> None:
    """The worked example of the Standard Webhooks specification."""
    headers = sign(SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_sign_accepts_aware_datetimes_and_drops_fractions() -> None:
    when = datetime.fromtimestamp(NOW + 0.9, tz=UTC)
    assert sign(SPEC_SECRET, "m", when, BODY) == sign(SPEC_SECRET, "m", NOW, BODY)
    assert sign(SPEC_SECRET, "m", NOW + 0.9, BODY) == sign(SPEC_SECRET, "m", NOW, BODY)
    with pytest.raises(ValueError, match="timezone-aware"):
        sign(SPEC_SECRET, "m", datetime(2024, 1, 1), BODY)
    with pytest.raises(ValueError, match="one line"):
        sign(SPEC_SECRET, "m\r\nx-injected: 1", NOW, BODY)
    with pytest.raises(ValueError, match="base64"):
        sign("whsec_not base64!", "m", NOW, BODY)


def test_server_signature_verifies_with_the_sdk() -> None:
    secret = generate_secret()
    headers = sign(secret, "msg_1", NOW, BODY)
    assert webhooks.verify(BODY, headers, secret, now=NOW) == EVENT
    assert webhooks.verify(BODY.decode(), headers, secret, now=NOW) == EVENT
    assert platform_sdk.webhooks.verify is webhooks.verify


def test_server_signature_verifies_with_standardwebhooks() -> None:
    secret = generate_secret()
    now = int(time.time())  # the reference checks against the wall clock
    headers = sign(secret, "msg_ref", now, BODY)
    assert Webhook(secret).verify(BODY, headers) == EVENT
    with pytest.raises(ReferenceError):
        Webhook(secret).verify(BODY.replace(b"25.00", b"0.01"), headers)


def test_standardwebhooks_signature_verifies_with_the_sdk() -> None:
    secret = generate_secret()
    when = datetime.fromtimestamp(NOW, tz=UTC)
    headers = {
        "webhook-id": "msg_ref",
        "webhook-timestamp": str(NOW),
        "webhook-signature": Webhook(secret).sign("msg_ref", when, BODY.decode()),
    }
    assert headers["webhook-signature"] == sign(secret, "msg_ref", NOW, BODY)["webhook-signature"]
    assert webhooks.verify(BODY, headers, secret, now=NOW) == EVENT


def test_headers_match_case_insensitively() -> None:
    headers = {name.title(): value for name, value in sign(SPEC_SECRET, "m", NOW, BODY).items()}
    assert "Webhook-Signature" in headers
    assert webhooks.verify(BODY, headers, SPEC_SECRET, now=NOW) == EVENT


def test_secret_without_prefix_is_accepted() -> None:
    headers = sign(SPEC_SECRET, "m", NOW, BODY)
    bare = SPEC_SECRET.removeprefix("whsec_")
    assert webhooks.verify(BODY, headers, bare, now=NOW) == EVENT
    assert sign(bare, "m", NOW, BODY) == headers


def test_one_valid_signature_among_several_is_enough() -> None:
    """During rotation the sender signs with the old and the new secret."""
    old, new = generate_secret(), generate_secret()
    both = " ".join(sign(secret, "m", NOW, BODY)["webhook-signature"] for secret in (old, new))
    headers = {**sign(old, "m", NOW, BODY), "webhook-signature": f"v2,abc {both}"}
    assert webhooks.verify(BODY, headers, old, now=NOW) == EVENT
    assert webhooks.verify(BODY, headers, new, now=NOW) == EVENT
    with pytest.raises(WebhookVerificationError, match=r"no matching v1 signature \(checked 2\)"):
        webhooks.verify(BODY, headers, generate_secret(), now=NOW)


def _verify_error(
    body: bytes = BODY,
    headers: dict[str, str] | None = None,
    secret: str = SPEC_SECRET,
    now: float = NOW,
) -> str:
    signed = sign(SPEC_SECRET, "m", NOW, BODY) if headers is None else headers
    with pytest.raises(WebhookVerificationError) as caught:
        webhooks.verify(body, signed, secret, now=now)
    assert isinstance(caught.value, PlatformError)
    return str(caught.value)


def test_tampered_body_is_refused() -> None:
    message = _verify_error(body=BODY.replace(b"25.00", b"0.01"))
    assert "no matching v1 signature" in message
    assert "altered or the secret is wrong" in message


def test_tampered_id_or_timestamp_is_refused() -> None:
    headers = sign(SPEC_SECRET, "m", NOW, BODY)
    assert "no matching" in _verify_error(headers={**headers, "webhook-id": "other"})
    moved = {**headers, "webhook-timestamp": str(NOW + 1)}
    assert "no matching" in _verify_error(headers=moved)


def test_wrong_secret_is_refused() -> None:
    assert "no matching v1 signature" in _verify_error(secret=generate_secret())


@pytest.mark.parametrize("tolerance", [0, 60, 300])
def test_tolerance_bounds_are_inclusive(tolerance: int) -> None:
    headers = sign(SPEC_SECRET, "m", NOW, BODY)
    for now in (NOW - tolerance, NOW + tolerance):
        assert webhooks.verify(BODY, headers, SPEC_SECRET, tolerance=tolerance, now=now) == EVENT


def test_stale_timestamp_is_refused_as_a_replay() -> None:
    assert webhooks.verify(BODY, sign(SPEC_SECRET, "m", NOW, BODY), SPEC_SECRET, now=NOW + 300)
    message = _verify_error(now=NOW + 301)
    assert "301s old" in message
    assert "300s tolerance" in message
    assert "replay" in message


def test_future_timestamp_is_refused() -> None:
    message = _verify_error(now=NOW - 301)
    assert "301s in the future" in message
    assert "300s tolerance" in message


def test_custom_tolerance() -> None:
    headers = sign(SPEC_SECRET, "m", NOW, BODY)
    assert webhooks.verify(BODY, headers, SPEC_SECRET, tolerance=3600, now=NOW + 3000) == EVENT
    with pytest.raises(WebhookVerificationError, match="10s old, beyond the 5s tolerance"):
        webhooks.verify(BODY, headers, SPEC_SECRET, tolerance=5, now=NOW + 10)
    with pytest.raises(ValueError, match="tolerance"):
        webhooks.verify(BODY, headers, SPEC_SECRET, tolerance=-1, now=NOW)


def test_default_now_is_the_current_time() -> None:
    fresh = sign(SPEC_SECRET, "m", time.time(), BODY)
    assert webhooks.verify(BODY, fresh, SPEC_SECRET) == EVENT
    stale = sign(SPEC_SECRET, "m", time.time() - 3600, BODY)
    with pytest.raises(WebhookVerificationError, match="old"):
        webhooks.verify(BODY, stale, SPEC_SECRET)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header_is_named(missing: str) -> None:
    headers = sign(SPEC_SECRET, "m", NOW, BODY)
    del headers[missing]
    assert _verify_error(headers=headers) == f"missing webhook header(s): {missing}"
    assert missing in _verify_error(headers={**headers, missing: "  "})


def test_all_missing_headers_are_listed() -> None:
    message = _verify_error(headers={"content-type": "application/json"})
    assert message == "missing webhook header(s): webhook-id, webhook-timestamp, webhook-signature"


@pytest.mark.parametrize(
    "value", ["soon", "1700000000.5", "-1700000000", "1e9", "\u0661\u0667\u0660\u0660", "9" * 5000]
)
def test_malformed_timestamp_is_refused(value: str) -> None:
    headers = {**sign(SPEC_SECRET, "m", NOW, BODY), "webhook-timestamp": value}
    message = _verify_error(headers=headers)
    assert message.startswith("malformed webhook-timestamp header")
    assert "integer seconds" in message


@pytest.mark.parametrize(
    "signature", ["", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1a,abc", "v2,abc"]
)
def test_header_without_v1_signature_is_refused(signature: str) -> None:
    headers = {**sign(SPEC_SECRET, "m", NOW, BODY), "webhook-signature": signature}
    message = _verify_error(headers=headers)
    if signature:
        assert message == "webhook-signature header has no v1 signature"
    else:
        assert message == "missing webhook header(s): webhook-signature"


def test_malformed_signature_entries_are_skipped() -> None:
    good = sign(SPEC_SECRET, "m", NOW, BODY)["webhook-signature"]
    headers = {**sign(SPEC_SECRET, "m", NOW, BODY), "webhook-signature": f"v1,!!! v1 {good}"}
    assert webhooks.verify(BODY, headers, SPEC_SECRET, now=NOW) == EVENT
    headers["webhook-signature"] = "v1,!!! v1"
    assert "checked 2" in _verify_error(headers=headers)


@pytest.mark.parametrize("secret", ["whsec_", "", "whsec_not base64!", "whsec_é"])
def test_malformed_secret_is_refused(secret: str) -> None:
    assert _verify_error(secret=secret).startswith("malformed webhook secret")


def test_signed_non_json_payload_is_refused_clearly() -> None:
    body = b"order paid"
    headers = sign(SPEC_SECRET, "m", NOW, body)
    with pytest.raises(
        WebhookVerificationError, match="signature is valid but the payload is not JSON"
    ):
        webhooks.verify(body, headers, SPEC_SECRET, now=NOW)
    binary = b"\xff\xfe\x00"
    assert "not JSON" in _verify_error(body=binary, headers=sign(SPEC_SECRET, "m", NOW, binary))


def test_error_is_exported_and_a_platform_error() -> None:
    assert platform_sdk.WebhookVerificationError is platform_sdk.errors.WebhookVerificationError
    assert webhooks.WebhookVerificationError is WebhookVerificationError
    assert issubclass(WebhookVerificationError, PlatformError)


def test_sdk_sign_matches_the_server() -> None:
    """``platform_sdk.webhooks.sign`` (used by `platform webhooks listen`) signs exactly as
    the server does, so receivers verify its deliveries like real ones."""
    secret = webhooks.generate_secret()
    assert secret.startswith("whsec_") and secret_key(secret)
    headers = webhooks.sign(BODY, secret, msg_id="msg_1", timestamp=NOW)
    assert headers == sign(secret, "msg_1", NOW, BODY)
    assert webhooks.verify(BODY, headers, secret, now=NOW) == EVENT
    with pytest.raises(ValueError):
        webhooks.sign(BODY, secret, msg_id="a\nb")
