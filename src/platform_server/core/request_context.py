"""The request id: accepted from the client or generated, echoed, and put in every log line."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("platform_request_id", default=None)
_VALID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")


_client_ip: ContextVar[str | None] = ContextVar("platform_client_ip", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def current_client_ip() -> str | None:
    """The caller's address as the server saw it (for the audit trail)."""
    return _client_ip.get()


def set_client_ip(value: str | None) -> None:
    _client_ip.set(value)


def set_request_id(value: str | None) -> str:
    rid = value if value and _VALID.match(value) else uuid.uuid4().hex
    _request_id.set(rid)
    return rid


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        return True
