"""The rate-limit middleware and the hook the bearer resolver calls.

Who is charged: a request without a bearer token is charged to its client address
before the app sees it. A request with one is charged to its API key or user by
`charge_caller`, which the resolver calls only once the token is verified, so nobody
can drain another caller's bucket by sending that caller's id in a forged token. A
bearer request that never gets that far (a bad token: 401, or a route that does not
look at callers) is charged to its address when its answer starts; a 401 or a read
over that limit is answered 429 instead. The sign-in, refresh, registration and
password routes are charged to their own stricter buckets first, always.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_server.core.errors import PROBLEM_JSON, RateLimited, problem_body
from platform_server.core.principal import Principal
from platform_server.core.request_context import set_client_ip
from platform_server.core.settings import Settings
from platform_server.gateway.client_ip import ClientAddress
from platform_server.gateway.limiter import Bucket, Limiter, Verdict

_TICKET = "platform.rate_limit"
_API = "/api/v1"
# The auth routes, and where each finds the account it is about.
_AUTH_ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("login", re.compile(rf"^{_API}/auth/login$"), "email"),
    ("refresh", re.compile(rf"^{_API}/auth/refresh$"), "refresh_token"),
    ("register", re.compile(rf"^{_API}/users$"), "email"),
    ("password", re.compile(rf"^{_API}/users/(?P<id>[^/]+)/password$"), ""),
    ("verify", re.compile(rf"^{_API}/auth/verify-email$"), "token"),
    ("resend", re.compile(rf"^{_API}/auth/verify-email/resend$"), "email"),
    ("reset", re.compile(rf"^{_API}/auth/password-reset$"), "email"),
    ("reset-confirm", re.compile(rf"^{_API}/auth/password-reset/confirm$"), "token"),
)
# Load balancer probes and the Prometheus scrape are never limited (a probe refused
# with a 429 would take a healthy process out of rotation).
_EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
_BUFFER_LIMIT = 16 * 1024  # enough for any sign-in body; a longer one names no account


@dataclass
class Policies:
    api_key: Bucket
    user: Bucket
    ip: Bucket
    auth_account: Bucket
    auth_ip: Bucket

    @classmethod
    def of(cls, settings: Settings) -> Policies:
        return cls(
            Bucket.parse("api-key", settings.rate_limit_per_api_key),
            Bucket.parse("user", settings.rate_limit_per_user),
            Bucket.parse("ip", settings.rate_limit_per_ip),
            Bucket.parse("auth-account", settings.rate_limit_auth_per_account),
            Bucket.parse("auth-ip", settings.rate_limit_auth_per_ip),
        )


@dataclass
class _Ticket:
    """What one request was charged, for its headers."""

    limiter: Limiter
    policies: Policies
    verdicts: list[Verdict] = field(default_factory=list)

    def headers(self) -> list[tuple[bytes, bytes]]:
        windows = [w for v in self.verdicts for w in v.windows]
        if not windows:
            return []
        policy = ", ".join(
            f'"{name}";q={quota};w={window}' for name, quota, window, _, _ in windows
        )
        state = ", ".join(
            f'"{name}";r={max(0, left)};t={reset}' for name, _, _, left, reset in windows
        )
        return [(b"ratelimit-policy", policy.encode()), (b"ratelimit", state.encode())]


async def charge_caller(request: Request, principal: Principal) -> None:
    """Charges a verified caller's bucket (its API key, else its user); raises a 429."""
    ticket: _Ticket | None = request.scope.get(_TICKET)
    if ticket is None:
        return
    if principal.api_key_id is not None:
        verdict = await ticket.limiter.hit(ticket.policies.api_key, str(principal.api_key_id))
    else:
        verdict = await ticket.limiter.hit(ticket.policies.user, str(principal.user_id))
    ticket.verdicts.append(verdict)
    if not verdict.allowed:
        what = "API key" if verdict.bucket == "api-key" else "account"
        raise RateLimited(
            f"Too many requests for this {what}; retry in {verdict.retry_after} s.",
            retry_after=verdict.retry_after,
        )


class RateLimitMiddleware:
    def __init__(
        self, app: ASGIApp, *, settings: Settings, limiter: Limiter, addresses: ClientAddress
    ) -> None:
        self.app = app
        self.enabled = settings.rate_limit_enabled
        self.limiter = limiter
        self.policies = Policies.of(settings)
        self.addresses = addresses

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        address = self.addresses.of(scope)
        # The audit trail and the failed-login throttle see the same address.
        set_client_ip(address)
        ip = address or "unknown"
        if not self.enabled or scope["path"] in _EXEMPT:
            await self.app(scope, receive, send)
            return
        ticket = _Ticket(self.limiter, self.policies)
        scope[_TICKET] = ticket
        auth = _auth_route(scope)
        if auth is not None:
            try:
                account, receive = await _account(scope, receive, *auth)
            except HTTPException as exc:
                await _problem(send, scope, exc.status_code, str(exc.detail), [])
                return
            ticket.verdicts.append(
                await self.limiter.hit(self.policies.auth_account, auth[0], ip, account)
            )
            ticket.verdicts.append(await self.limiter.hit(self.policies.auth_ip, ip))
        elif not _has_bearer(scope):
            ticket.verdicts.append(await self.limiter.hit(self.policies.ip, ip))
        if any(not v.allowed for v in ticket.verdicts):
            await _refuse(send, scope, ticket)
            return
        await self.app(scope, receive, self._sender(scope, send, ticket, ip))

    def _sender(self, scope: Scope, send: Send, ticket: _Ticket, ip: str) -> Send:
        replaced = False

        async def wrapped(message: Message) -> None:
            nonlocal replaced
            if replaced:
                return  # the body of an answer replaced by a 429
            if message["type"] == "http.response.start":
                if not ticket.verdicts:  # a bearer that was never verified
                    verdict = await self.limiter.hit(self.policies.ip, ip)
                    ticket.verdicts.append(verdict)
                    unseen = message["status"] == 401 or scope["method"] in ("GET", "HEAD")
                    if not verdict.allowed and unseen:
                        replaced = True
                        await _refuse(send, scope, ticket)
                        return
                message["headers"] = [*message.get("headers", []), *ticket.headers()]
            await send(message)

        return wrapped


def _has_bearer(scope: Scope) -> bool:
    for key, value in scope["headers"]:
        if key == b"authorization":
            return value[:7].lower() == b"bearer " and bool(value[7:].strip())
    return False


def _auth_route(scope: Scope) -> tuple[str, str, str] | None:
    if scope["method"] != "POST":
        return None
    path = scope["path"]
    for kind, pattern, source in _AUTH_ROUTES:
        match = pattern.match(path)
        if match:
            return kind, source, match.groupdict().get("id") or ""
    return None


async def _account(
    scope: Scope, receive: Receive, kind: str, source: str, path_id: str
) -> tuple[str, Receive]:
    """The account an auth request is about (hashed), and a receive that replays the body."""
    if not source:
        return _digest(path_id), receive
    messages: list[Message] = []
    size = 0
    more = True
    while more and size <= _BUFFER_LIMIT:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        more = bool(message.get("more_body", False))
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    account = "" if more else _field(scope, body, source)
    return _digest(account), _replay(messages, receive)


def _field(scope: Scope, body: bytes, name: str) -> str:
    ctype = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    try:
        if ctype == b"application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8"))
            values = form.get("username") or form.get(name) or [""]
            return values[0].strip().lower()
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return ""
    value = data.get(name) if isinstance(data, dict) else None
    return value.strip().lower() if isinstance(value, str) else ""


def _digest(value: str) -> str:
    # Counters are keyed by a digest: no email or token is written to Redis.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


async def _refuse(send: Send, scope: Scope, ticket: _Ticket) -> None:
    refused = [v for v in ticket.verdicts if not v.allowed]
    wait = max(v.retry_after for v in refused)
    detail = f"Too many requests ({refused[0].bucket} limit); retry in {wait} s."
    retry_after = (b"retry-after", str(wait).encode())
    await _problem(send, scope, 429, detail, [*ticket.headers(), retry_after])


async def _problem(
    send: Send, scope: Scope, status: int, detail: str, headers: list[tuple[bytes, bytes]]
) -> None:
    """Answers with a problem+json before the app is reached (Starlette's JSONResponse)."""
    response = JSONResponse(
        problem_body(status, detail, scope["path"]),
        status_code=status,
        headers={name.decode(): value.decode() for name, value in headers},
        media_type=PROBLEM_JSON,
    )
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


# What every operation may answer once a bucket is spent (declared in OpenAPI).
RATE_LIMITED_RESPONSE: dict[int | str, dict[str, object]] = {
    429: {
        "description": "Too many requests: a rate limit is spent (problem+json)",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}},
            "RateLimit": {
                "description": "Remaining quota per policy",
                "schema": {"type": "string"},
            },
            "RateLimit-Policy": {"description": "The policies", "schema": {"type": "string"}},
        },
    }
}
