"""Exceptions raised by the SDK, built from the server's RFC 9457 problem+json bodies."""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from .models import Payment

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "MfaRequiredError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PlatformError",
    "RateLimitError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
    "make_status_error",
    "parse_retry_after",
]

_MAX_DETAIL_CHARS = 200
_MAX_FIELD_ERRORS_SHOWN = 3


class PlatformError(Exception):
    """Base class of every exception the SDK raises."""


class APIConnectionError(PlatformError):
    """The server could not be reached or the connection broke before an answer."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """No answer within the configured timeout."""

    def __init__(self, *, request: httpx.Request) -> None:
        super().__init__(f"Request timed out: {request.method} {request.url.path}", request=request)


class APIResponseValidationError(PlatformError):
    """A successful response whose body does not match what the SDK expects."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        request_id = response.headers.get("x-request-id")
        suffix = f" ({response.status_code}, request {request_id})" if request_id else ""
        super().__init__(message + suffix)
        self.response = response
        self.status_code = response.status_code
        self.request_id = request_id


class APIStatusError(PlatformError):
    """The server answered with a 4xx or 5xx status."""

    def __init__(self, *, response: httpx.Response, body: object) -> None:
        problem = body if isinstance(body, dict) else {}
        self.response = response
        self.body = body
        self.status_code = response.status_code
        self.type: str | None = _str_or_none(problem.get("type"))
        self.title: str = _str_or_none(problem.get("title")) or response.reason_phrase
        self.detail: str | None = _str_or_none(problem.get("detail"))
        if self.detail is None and not isinstance(body, dict) and response.text:
            self.detail = response.text[:_MAX_DETAIL_CHARS]
        raw_errors = problem.get("errors")
        self.errors: list[dict[str, Any]] = (
            [e for e in raw_errors if isinstance(e, dict)] if isinstance(raw_errors, list) else []
        )
        self.request_id: str | None = _str_or_none(problem.get("request_id")) or (
            response.headers.get("x-request-id") or None
        )
        super().__init__(self._one_line())

    def _one_line(self) -> str:
        text = self.title
        if self.detail:
            text += f": {self.detail}"
        if self.errors:
            shown = "; ".join(_format_field_error(e) for e in self.errors[:_MAX_FIELD_ERRORS_SHOWN])
            more = len(self.errors) - _MAX_FIELD_ERRORS_SHOWN
            text += f" [{shown}{f'; +{more} more' if more > 0 else ''}]"
        where = (
            f"{self.status_code}, request {self.request_id}"
            if self.request_id
            else str(self.status_code)
        )
        return f"{text} ({where})"


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: missing, expired, forged or revoked credentials, or a wrong password."""


class MfaRequiredError(AuthenticationError):
    """401 ``/problems/mfa-required``: the password was right and the account has a second
    factor. Finish with ``client.auth.mfa.verify(challenge=err.challenge, code=...)``
    within ``expires_in`` seconds."""

    def __init__(self, *, response: httpx.Response, body: object) -> None:
        super().__init__(response=response, body=body)
        problem = body if isinstance(body, dict) else {}
        self.challenge: str = _str_or_none(problem.get("challenge")) or ""
        expires_in = problem.get("expires_in")
        self.expires_in: int | None = expires_in if isinstance(expires_in, int) else None

    def __repr__(self) -> str:
        # The challenge is a credential for a few minutes: keep it out of printed objects.
        return f"MfaRequiredError(expires_in={self.expires_in!r})"


MFA_REQUIRED = "/problems/mfa-required"


class PaymentRequiredError(APIStatusError):
    """402: the payment was declined; the order stays payable.

    ``decline_code`` is the provider's reason (``"card_declined"``,
    ``"insufficient_funds"``, ...) and ``payment`` the failed attempt as recorded.
    """

    def __init__(self, *, response: httpx.Response, body: object) -> None:
        super().__init__(response=response, body=body)
        problem = body if isinstance(body, dict) else {}
        self.decline_code: str | None = _str_or_none(problem.get("decline_code"))
        self.payment: Payment | None = None
        if isinstance(problem.get("payment"), dict):
            # Imported here: the models (and pydantic) load only when a payment is declined.
            import pydantic

            from .models import Payment

            # An attempt that does not validate stays readable in ``body``.
            with contextlib.suppress(pydantic.ValidationError):
                self.payment = Payment.model_validate(problem["payment"])


class PermissionDeniedError(APIStatusError):
    """403: authenticated but lacking the permission."""


class NotFoundError(APIStatusError):
    """404: no such resource, or one the caller may not see."""


class ConflictError(APIStatusError):
    """409: a duplicate, or an idempotent request with the same key still running."""


class UnprocessableEntityError(APIStatusError):
    """422: invalid fields; ``errors`` lists each one."""


class PayloadTooLargeError(APIStatusError):
    """413: the request body is larger than the server takes."""


class UnsupportedMediaTypeError(APIStatusError):
    """415: the request body is not JSON, or an uploaded file is not a type the server
    takes (an image that is not JPEG, PNG or WebP)."""


class RangeNotSatisfiableError(APIStatusError):
    """416: a download's ``Range`` lies outside the file."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` is the server's requested wait in seconds."""

    def __init__(self, *, response: httpx.Response, body: object) -> None:
        super().__init__(response=response, body=body)
        self.retry_after: float | None = parse_retry_after(response.headers.get("retry-after"))


class InternalServerError(APIStatusError):
    """Any 5xx."""


class ServiceUnavailableError(InternalServerError):
    """503: the server cannot reach its database for now; ``retry_after`` says when to
    try again (the client retries these by itself)."""

    def __init__(self, *, response: httpx.Response, body: object) -> None:
        super().__init__(response=response, body=body)
        self.retry_after: float | None = parse_retry_after(response.headers.get("retry-after"))


class WebhookVerificationError(PlatformError):
    """A webhook delivery failed verification: answer it with 400 and do not act on it.

    Raised by ``platform_sdk.webhooks.verify`` for missing or malformed headers, a
    timestamp outside the tolerance, no matching signature, a malformed secret, or a
    validly signed body that is not JSON.
    """


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    416: RangeNotSatisfiableError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def exception_for_status(status: int) -> type[APIStatusError]:
    """The exception class an error answer with ``status`` raises."""
    return _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)


def make_status_error(response: httpx.Response) -> APIStatusError:
    """The exception for an error response (its body must already be read)."""
    try:
        body: object = response.json()
    except ValueError:
        body = response.text
    status = response.status_code
    cls = exception_for_status(status)
    if status == 401 and isinstance(body, dict) and body.get("type") == MFA_REQUIRED:
        cls = MfaRequiredError
    return cls(response=response, body=body)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC of unknown origin
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - time.time())


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _format_field_error(error: dict[str, Any]) -> str:
    loc = error.get("loc")
    # "body" / "query" prefixes say where, not what; the field path is what users fix.
    parts = (
        [str(p) for p in loc if p not in ("body", "query", "path")] if isinstance(loc, list) else []
    )
    msg = error.get("msg", "invalid")
    return f"{'.'.join(parts)}: {msg}" if parts else str(msg)
