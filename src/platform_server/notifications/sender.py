"""Sending queued notifications: claim (lease) due rows, send outside any transaction, settle.

At least once: a process that dies mid-send leaves the lease to run out and the row
is sent again; an email's Message-ID is stable per notification, so the receiving
side can drop the duplicate.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from platform_server.core.database import Database, utcnow
from platform_server.core.logging import bound
from platform_server.core.settings import Settings
from platform_server.delivery import outcome_values
from platform_server.notifications import rendering, repository
from platform_server.notifications.email import Email, make_email_backend
from platform_server.notifications.models import Notification
from platform_server.notifications.sms import Sms, make_sms_backend
from platform_server.observability.metrics import NOTIFICATION_SENDS, send_outcome

logger = logging.getLogger("platform_server.notifications")


@dataclass(frozen=True)
class _Job:
    """What a claimed row needs for sending, read before its transaction ends."""

    id: uuid.UUID
    channel: str
    recipient: str
    subject: str | None
    text: str
    html: str | None
    attempt: int
    retry_base: int
    event_id: uuid.UUID | None = None


class NotificationSender:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.email = make_email_backend(settings)
        self.sms = make_sms_backend(settings)
        rendering.configure(settings.seller_name)

    async def run_once(self) -> int:
        """Send one batch of due notifications; returns how many were taken."""
        if not await repository.anything_due(self.db):
            return 0
        async with self.db.transaction() as session:
            rows = await repository.claim(
                session,
                lease=self.settings.delivery_lease_seconds,
                limit=self.settings.delivery_concurrency,
            )
            jobs = [
                _Job(
                    id=r.id,
                    channel=r.channel,
                    recipient=r.recipient,
                    subject=r.subject,
                    text=r.body_text,
                    html=r.body_html,
                    attempt=r.attempt,
                    retry_base=r.retry_base,
                    event_id=r.event_id,
                )
                for r in rows
            ]
        if not jobs:
            return 0
        # Every send ends well within the lease, so no other process takes the row
        # again while this one may still deliver it.
        deadline = max(1.0, self.settings.delivery_lease_seconds - 5)
        errors = await asyncio.gather(*(self._send_by(job, deadline) for job in jobs))
        await self._settle(jobs, errors)
        return len(jobs)

    async def _settle(self, jobs: list[_Job], errors: list[str | None]) -> None:
        """Record each send's outcome (an error: None when sent) in one statement."""
        now = utcnow()
        outcomes = [
            {
                "row_id": job.id,
                "attempt": job.attempt,
                "sent_at": now if error is None else None,
                **outcome_values(
                    Notification,
                    attempt=job.attempt,
                    retry_base=job.retry_base,
                    ok=error is None,
                    error=error,
                    schedule=self.settings.notification_retry_seconds,
                ),
            }
            for job, error in zip(jobs, errors, strict=True)
        ]
        async with self.db.transaction() as session:
            await repository.settle_all(session, outcomes)
        for job, outcome in zip(jobs, outcomes, strict=True):
            label = send_outcome(outcome["status"], Notification.DONE)
            NOTIFICATION_SENDS.labels(job.channel, label).inc()

    async def _send_by(self, job: _Job, seconds: float) -> str | None:
        with bound(delivery_id=job.id, event_id=job.event_id):
            try:
                async with asyncio.timeout(seconds):
                    return await self._send(job)
            except TimeoutError:
                logger.warning("%s notification %s timed out", job.channel, job.id)
                return f"not sent within {seconds:g} seconds"

    async def _send(self, job: _Job) -> str | None:
        """None when sent, else why not (kept as last_error)."""
        try:
            if job.channel == "sms":
                await self.sms.send(Sms(id=job.id, to=job.recipient, text=job.text))
            else:
                await self.email.send(
                    Email(
                        id=job.id,
                        to=job.recipient,
                        subject=job.subject or "",
                        text=job.text,
                        html=job.html,
                    )
                )
        except Exception as exc:
            logger.warning(
                "%s notification %s to %s failed: %s", job.channel, job.id, job.recipient, exc
            )
            return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return None

    async def close(self) -> None:
        await self.email.close()
        await self.sms.close()
