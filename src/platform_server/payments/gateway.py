"""The payment gateway interface, the built-in sandbox, and an HTTP provider client.

Gateways never see card numbers: callers pass a provider token (`pm_...`).
Every call carries an idempotency key, so a retried charge is never taken twice.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import httpx

from platform_server import tracing
from platform_server.core.money import to_wire


@dataclass(frozen=True)
class Charge:
    reference: str


class PaymentDeclined(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class GatewayUnavailable(Exception):
    """The provider failed or did not answer: nothing is known to be charged."""


class Gateway(Protocol):
    name: str

    async def charge(
        self, *, amount: Decimal, currency: str, token: str, idempotency_key: str
    ) -> Charge: ...

    async def refund(
        self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> str: ...


_CARD_NUMBER = re.compile(r"^[\d \-]{12,23}$")


def looks_like_card_number(value: str) -> bool:
    return bool(_CARD_NUMBER.match(value)) and sum(c.isdigit() for c in value) >= 12


class SandboxGateway:
    """Behaves like a provider's test mode, keyed by the token."""

    name = "sandbox"
    TOKENS = {
        "pm_card_ok": None,
        "pm_card_declined": ("card_declined", "The card was declined."),
        "pm_card_insufficient_funds": ("insufficient_funds", "The card has insufficient funds."),
        "pm_card_error": "error",
    }

    def __init__(self) -> None:
        self._charges: dict[str, Charge] = {}

    async def charge(
        self, *, amount: Decimal, currency: str, token: str, idempotency_key: str
    ) -> Charge:
        if idempotency_key in self._charges:
            return self._charges[idempotency_key]
        outcome = self.TOKENS[token]
        if outcome == "error":
            raise GatewayUnavailable("The sandbox provider failed (pm_card_error).")
        if isinstance(outcome, tuple):
            raise PaymentDeclined(*outcome)
        charge = Charge(reference=f"ch_sandbox_{secrets.token_hex(8)}")
        self._charges[idempotency_key] = charge
        return charge

    async def refund(
        self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> str:
        return f"re_sandbox_{secrets.token_hex(8)}"


class HttpGateway:
    """A card provider's REST API: `POST /charges` and `POST /refunds`, bearer key auth."""

    name = "http"

    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
            follow_redirects=False,
        )
        tracing.instrument_httpx(self._client)

    async def _post(self, path: str, body: dict[str, str], idempotency_key: str) -> httpx.Response:
        try:
            response = await self._client.post(
                path, json=body, headers={"Idempotency-Key": idempotency_key}
            )
        except httpx.TimeoutException as exc:
            raise GatewayUnavailable("The payment provider did not answer in time.") from exc
        except httpx.HTTPError as exc:
            raise GatewayUnavailable(f"The payment provider is unreachable ({exc}).") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise GatewayUnavailable(f"The payment provider failed ({response.status_code}).")
        return response

    async def charge(
        self, *, amount: Decimal, currency: str, token: str, idempotency_key: str
    ) -> Charge:
        response = await self._post(
            "/charges",
            {"amount": to_wire(amount), "currency": currency, "payment_method": token},
            idempotency_key,
        )
        body = _json(response)
        if response.status_code == 402 or body.get("status") == "declined":
            raise PaymentDeclined(
                str(body.get("decline_code") or "card_declined"),
                str(body.get("message") or "The card was declined."),
            )
        if response.status_code >= 400 or body.get("status") != "succeeded" or "id" not in body:
            raise GatewayUnavailable(f"The payment provider answered {response.status_code}.")
        return Charge(reference=str(body["id"]))

    async def refund(
        self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> str:
        response = await self._post(
            "/refunds",
            {"charge": charge_reference, "amount": to_wire(amount), "currency": currency},
            idempotency_key,
        )
        body = _json(response)
        if response.status_code >= 400 or "id" not in body:
            raise GatewayUnavailable(f"The refund failed at the provider ({response.status_code}).")
        return str(body["id"])

    async def close(self) -> None:
        await self._client.aclose()


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
