"""Sending webhook deliveries: claim due rows, POST them signed, settle the outcome.

Claiming and settling are short transactions; the HTTP calls run concurrently between
them, outside any transaction. Every attempt resolves the endpoint's host again, checks
every address (see ``ssrf``) and connects to a checked one, never following redirects.

Outcomes: a 2xx succeeds. A timeout, a connection error, a 3xx, 408, 409, 425, 429 or a
5xx is a failed attempt, retried after the next step of ``webhook_retry_seconds``
(the delivery is ``failed`` after the last). Any other 4xx says the receiver refuses
this delivery for good: it fails at once, without retries.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server import __version__, tracing
from platform_server.core.database import Database, utcnow
from platform_server.core.logging import bound
from platform_server.core.settings import Settings
from platform_server.delivery import FAILED, settle
from platform_server.notifications import api as notifications
from platform_server.observability.metrics import WEBHOOK_SENDS, count_after_commit, send_outcome
from platform_server.webhooks import repository, ssrf
from platform_server.webhooks.models import WebhookDelivery, WebhookEndpoint
from platform_server.webhooks.service import signing_secrets
from platform_server.webhooks.signing import sign_all

logger = logging.getLogger("platform_server.webhooks")

USER_AGENT = f"Platform-Webhooks/{__version__}"
RETRIED_4XX = frozenset({408, 409, 425, 429})
ERROR_BODY_CHARS = 200
_READ_AT_MOST = 4096


@dataclass(frozen=True)
class Job:
    delivery_id: uuid.UUID
    endpoint_id: uuid.UUID
    url: str
    # The current secret first; while a rotation's overlap lasts, the previous one too.
    secrets: tuple[str, ...]
    message_id: str
    event_type: str
    payload: str
    # The claim's attempt number: a result arriving after another claim is ignored.
    attempt: int = 0
    event_id: uuid.UUID | None = None  # none for a ping


@dataclass(frozen=True)
class Outcome:
    ok: bool
    final: bool = False  # no retries: the receiver refused it for good
    response_code: int | None = None
    duration_ms: int | None = None
    error: str | None = None


def classify(status_code: int, body: str) -> Outcome:
    """What an HTTP answer means for the delivery (the duration is added by the caller)."""
    if 200 <= status_code < 300:
        return Outcome(ok=True, response_code=status_code)
    snippet = " ".join(body.split())[:ERROR_BODY_CHARS]
    error = f"HTTP {status_code}: {snippet}" if snippet else f"HTTP {status_code}"
    if 300 <= status_code < 400:
        error += " (redirects are not followed)"
    final = 400 <= status_code < 500 and status_code not in RETRIED_4XX
    return Outcome(ok=False, final=final, response_code=status_code, error=error)


class WebhookSender:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                follow_redirects=False,
                timeout=self.settings.webhook_timeout_seconds,
                # Never a proxy from the environment: it would connect to a name, not to
                # the checked address. No kept-alive connections: one to an address must
                # not be reused for another host name served from the same address.
                trust_env=False,
                limits=httpx.Limits(max_keepalive_connections=0),
                headers={"User-Agent": USER_AGENT},
            )
            tracing.instrument_httpx(self._client)
        return self._client

    async def run_once(self) -> int:
        jobs = await self._claim()
        if not jobs:
            return 0
        # Each delivery is settled as soon as its attempt ends: a slow receiver does not
        # hold back the record of the others.
        await asyncio.gather(*(self._deliver(job) for job in jobs))
        return len(jobs)

    async def _deliver(self, job: Job) -> None:
        with bound(delivery_id=job.delivery_id, event_id=job.event_id):
            outcome = await self._attempt(job)
            try:
                await self._settle(job, outcome)
            except Exception:  # its lease runs out and it is tried again
                logger.exception("could not record webhook delivery %s", job.delivery_id)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _claim(self) -> list[Job]:
        if not await repository.anything_due(self.db):
            return []
        async with self.db.transaction() as session:
            rows = await repository.claim(
                session,
                lease=self.settings.delivery_lease_seconds,
                limit=self.settings.delivery_concurrency,
            )
            if not rows:
                return []
            endpoint_ids = {row.endpoint_id for row in rows}
            now = utcnow()
            targets = {
                e.id: (
                    e.url,
                    signing_secrets(e.secret, e.previous_secret, e.previous_secret_expires_at, now),
                )
                for e in await repository.signing_targets(session, endpoint_ids)
            }
            return [
                Job(
                    delivery_id=row.id,
                    endpoint_id=row.endpoint_id,
                    url=targets[row.endpoint_id][0],
                    secrets=targets[row.endpoint_id][1],
                    message_id=row.message_id,
                    event_type=row.event_type,
                    event_id=row.event_id,
                    payload=row.payload,
                    attempt=row.attempt,
                )
                for row in rows
                if row.endpoint_id in targets
            ]

    async def _attempt(self, job: Job) -> Outcome:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.settings.webhook_timeout_seconds + 1):
                outcome = await self._post(job)
        except TimeoutError:
            outcome = Outcome(
                ok=False, error=f"timed out after {self.settings.webhook_timeout_seconds:g}s"
            )
        except Exception as error:  # a bug must not stop the other deliveries
            logger.exception("webhook delivery %s failed unexpectedly", job.delivery_id)
            outcome = Outcome(ok=False, error=f"internal error: {type(error).__name__}")
        duration_ms = round((time.perf_counter() - started) * 1000)
        return Outcome(
            ok=outcome.ok,
            final=outcome.final,
            response_code=outcome.response_code,
            duration_ms=duration_ms,
            error=outcome.error,
        )

    async def _post(self, job: Job) -> Outcome:
        try:
            target = await ssrf.check_url(
                job.url, allow_private=self.settings.webhooks_allow_private
            )
        except ssrf.UnsafeURL as error:
            return Outcome(ok=False, error=f"refused: the URL {error}")
        except TimeoutError:
            return Outcome(ok=False, error="DNS: no answer resolving the host in time")
        except OSError as error:
            return Outcome(ok=False, error=f"DNS: cannot resolve the host ({error})")
        body = job.payload.encode()
        headers = sign_all(job.secrets, job.message_id, time.time(), body)
        headers.update(
            {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "Platform-Event": job.event_type,
            }
        )
        last_error = "no address to connect to"
        for ip in target.addresses:
            request = ssrf.pinned_request(self.client, target, ip, content=body, headers=headers)
            try:
                response = await self.client.send(request, stream=True)
            except httpx.ConnectError as error:
                last_error = f"cannot connect to {ip}: {_describe(error)}"
                continue  # the next address of the host, if any
            except httpx.TimeoutException:
                return Outcome(
                    ok=False, error=f"timed out after {self.settings.webhook_timeout_seconds:g}s"
                )
            except httpx.HTTPError as error:
                return Outcome(ok=False, error=f"{type(error).__name__}: {_describe(error)}")
            try:
                text = await _read_some(response)
            except httpx.HTTPError:
                text = ""
            finally:
                await response.aclose()
            return classify(response.status_code, text)
        return Outcome(ok=False, error=last_error)

    async def _settle(self, job: Job, outcome: Outcome) -> None:
        async with self.db.transaction() as session:
            row = await repository.get(session, WebhookDelivery, job.delivery_id, lock=True)
            if row is None or row.status != WebhookDelivery.PENDING:
                return  # deleted with its endpoint meanwhile
            if row.attempts != job.attempt:
                return  # our lease ran out and another claim owns the row now
            now = utcnow()
            settle(
                row,
                ok=outcome.ok,
                error=outcome.error,
                schedule=() if outcome.final else self.settings.webhook_retry_seconds,
            )
            label = send_outcome(row.status, WebhookDelivery.DONE)
            count_after_commit(session, WEBHOOK_SENDS.labels(label))
            row.response_code = outcome.response_code
            row.duration_ms = outcome.duration_ms
            row.updated_at = now
            if outcome.ok:
                row.delivered_at = now
            endpoint = await repository.get(session, WebhookEndpoint, job.endpoint_id, lock=True)
            if endpoint is None:
                return
            if outcome.ok:
                if endpoint.failing_since is not None:
                    endpoint.failing_since = None
                return
            if endpoint.failing_since is None:
                endpoint.failing_since = now
            if row.status == FAILED and endpoint.active:
                await self._maybe_disable(session, endpoint, now, row.last_error)

    async def _maybe_disable(
        self,
        session: AsyncSession,
        endpoint: WebhookEndpoint,
        now: datetime,
        last_error: str | None,
    ) -> None:
        """Disable an endpoint whose deliveries have all failed for too long."""
        since = endpoint.failing_since
        hours = self.settings.webhook_disable_after_hours
        if since is None or now - since <= timedelta(hours=hours):
            return
        reason = (
            f"Every delivery failed since {since.isoformat(timespec='seconds')} "
            f"(more than {hours:g} hours); the last error: {last_error or 'unknown'}"
        )
        endpoint.active = False
        endpoint.disabled_reason = reason[:500]
        endpoint.updated_at = now
        logger.warning("disabled webhook endpoint %s (%s): %s", endpoint.id, endpoint.url, reason)
        await notifications.queue_for_admins(
            session,
            "webhook_disabled",
            {"url": endpoint.url, "endpoint_id": str(endpoint.id), "reason": reason},
        )


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__


async def _read_some(response: httpx.Response) -> str:
    """The start of the answer's body (for `last_error`); a huge one is not read whole."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= _READ_AT_MOST:
            break
    return b"".join(chunks)[:_READ_AT_MOST].decode("utf-8", errors="replace")
