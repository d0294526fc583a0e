"""SMS backends: ``console`` (the log) and ``http`` (a provider's JSON API)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

import httpx

from platform_server import tracing
from platform_server.core.settings import Settings

logger = logging.getLogger("platform_server.notifications")

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Sms:
    id: uuid.UUID
    to: str
    text: str


class SmsError(Exception):
    """The provider did not take the message. ``retryable`` is False for a 4xx (the
    request itself is wrong); every failure still goes through the backoff schedule."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class SmsBackend(Protocol):
    async def send(self, sms: Sms) -> None:
        """Deliver or raise; any exception is a failed attempt (retried with backoff)."""

    async def close(self) -> None: ...


class ConsoleSms:
    def __init__(self, settings: Settings) -> None:
        self.sender = settings.sms_from

    async def send(self, sms: Sms) -> None:
        logger.info("sms (console backend) from %s to %s: %s", self.sender, sms.to, sms.text)

    async def close(self) -> None:
        return None


class HttpSms:
    """POST {"to", "from", "text"} as JSON with ``Authorization: Bearer <key>``; 2xx is sent."""

    def __init__(self, settings: Settings) -> None:
        if not settings.sms_http_url:
            raise ValueError("PLATFORM_SMS_BACKEND=http needs PLATFORM_SMS_HTTP_URL")
        self.url = settings.sms_http_url
        self.sender = settings.sms_from
        headers = {"User-Agent": "platform-notifications"}
        if settings.sms_http_key:
            headers["Authorization"] = f"Bearer {settings.sms_http_key}"
        self._client = httpx.AsyncClient(timeout=TIMEOUT_SECONDS, headers=headers)
        tracing.instrument_httpx(self._client)

    async def send(self, sms: Sms) -> None:
        body = {"to": sms.to, "from": self.sender, "text": sms.text}
        try:
            response = await self._client.post(
                self.url, json=body, headers={"Idempotency-Key": str(sms.id)}
            )
        except httpx.TimeoutException as exc:
            raise SmsError("the SMS provider timed out", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise SmsError(f"the SMS provider is unreachable: {exc}", retryable=True) from exc
        if response.is_success:
            return
        detail = response.text[:300]
        if response.status_code < 500:
            raise SmsError(
                f"the SMS provider refused the message (HTTP {response.status_code}): {detail}",
                retryable=False,
            )
        raise SmsError(
            f"the SMS provider failed (HTTP {response.status_code}): {detail}", retryable=True
        )

    async def close(self) -> None:
        await self._client.aclose()


def make_sms_backend(settings: Settings) -> SmsBackend:
    if settings.sms_backend == "http":
        return HttpSms(settings)
    return ConsoleSms(settings)
