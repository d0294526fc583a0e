"""When to retry a request and how long to wait first."""

from __future__ import annotations

import random
from dataclasses import dataclass

_RETRYABLE_STATUSES = frozenset({408, 429})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How the client retries connection errors, timeouts, 408, 429 and 5xx answers.

    The n-th retry waits ``initial_delay * 2**(n-1)`` seconds, capped at ``max_delay``
    and shortened by up to ``jitter`` (a fraction) at random so that many clients do
    not retry in lockstep. A ``Retry-After`` header replaces that delay when it is at
    most ``max_retry_after`` seconds; a longer requested wait is not retried at all
    (the error carries ``retry_after`` so the caller can decide).
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 30.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be between 0 and 1")
        if self.initial_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("delays must be >= 0")

    def backoff(self, retry_number: int) -> float:
        """Delay before retry number ``retry_number`` (1-based) without a Retry-After."""
        base = min(self.max_delay, self.initial_delay * 2.0 ** (retry_number - 1))
        return base * (1.0 - self.jitter * random.random())  # noqa: S311 - jitter, not crypto

    def delay(self, retry_number: int, retry_after: float | None) -> float | None:
        """Seconds to wait before the retry, or ``None`` when it should not be attempted."""
        if retry_after is None:
            return self.backoff(retry_number)
        if retry_after > self.max_retry_after:
            return None
        return retry_after


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """Given to a client's ``on_retry`` callback after each wait, before the retry is sent.

    ``status`` is the HTTP status that caused it (429, 503...), or ``None`` for a
    connection error or timeout (then ``reason`` names it); ``waited`` is in seconds,
    the server's ``Retry-After`` when it sent one.
    """

    method: str
    url: str
    status: int | None
    reason: str
    waited: float
    retry: int
    max_retries: int

    @property
    def rate_limited(self) -> bool:
        return self.status == 429


def is_retryable_status(status: int) -> bool:
    return status in _RETRYABLE_STATUSES or status >= 500
