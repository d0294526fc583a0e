"""Email backends: ``console`` (the log) and ``smtp`` (aiosmtplib)."""

from __future__ import annotations

import logging
import socket
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol

import aiosmtplib
from anyio import to_thread

from platform_server.core.database import utcnow
from platform_server.core.settings import Settings

logger = logging.getLogger("platform_server.notifications")


@dataclass(frozen=True)
class Email:
    id: uuid.UUID  # the notification's: the Message-ID is made from it
    to: str
    subject: str
    text: str
    html: str | None


class EmailBackend(Protocol):
    async def send(self, email: Email) -> None:
        """Deliver or raise; any exception is a failed attempt (retried with backoff)."""

    async def close(self) -> None: ...


def message_id(notification_id: uuid.UUID, sender: str) -> str:
    """Stable per notification, so a resend after a crash can be recognised and dropped."""
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2] or "platform.localhost"
    return f"<{notification_id.hex}.notification@{domain}>"


def build_message(email: Email, sender: str) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) or a plain text one."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(email.id, sender)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    return message


class ConsoleEmail:
    """Writes every message to the log (INFO, `platform_server.notifications`): development.

    Headers and the text part as a reader sees them, not the encoded MIME source."""

    def __init__(self, settings: Settings) -> None:
        self.sender = settings.email_from

    async def send(self, email: Email) -> None:
        # No MIME message is built: printing it is all this backend does.
        headers = f"  From: {self.sender}\n  To: {email.to}\n  Subject: {email.subject}\n"
        body = "".join(f"  | {line}\n" for line in email.text.splitlines())
        html = "  (an HTML part goes with it)\n" if email.html else ""
        logger.info("email (console backend)\n%s%s%s", headers, body, html)

    async def close(self) -> None:
        return None


class SmtpEmail:
    """One SMTP connection per message, made with aiosmtplib on the event loop.

    A send cut off by the sender's deadline is cancelled mid-conversation and its
    connection closed: nothing is left running that could still deliver the message
    after it was recorded as failed (and before its retry sends it again)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local_hostname: str | None = None

    async def send(self, email: Email) -> None:
        s = self.settings
        message = build_message(email, s.email_from)
        if self._local_hostname is None:
            # The name given in EHLO; finding it may wait on DNS, never on the event loop.
            self._local_hostname = await to_thread.run_sync(socket.getfqdn)
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username or None,
            password=(s.smtp_password or "") if s.smtp_username else None,
            local_hostname=self._local_hostname,
            timeout=s.smtp_timeout_seconds,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            tls_context=ssl.create_default_context() if s.smtp_security != "none" else None,
        )

    async def close(self) -> None:
        return None


def make_email_backend(settings: Settings) -> EmailBackend:
    if settings.email_backend == "smtp":
        return SmtpEmail(settings)
    return ConsoleEmail(settings)
