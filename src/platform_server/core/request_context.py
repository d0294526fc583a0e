"""The request id: accepted from the client or generated, echoed, and put in every log line.

Also who is calling, for the log: a holder the request middleware starts empty and the
caller's resolution fills, so the access line written after the handler sees it even
if the handler ran in a copy of this context.
"""

from __future__ import annotations

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


class Caller:
    """The ids of the request's caller (never a credential)."""

    __slots__ = ("api_key_id", "user_id")

    def __init__(self) -> None:
        self.user_id: str | None = None
        self.api_key_id: str | None = None


_caller: ContextVar[Caller | None] = ContextVar("platform_caller", default=None)


def start_caller() -> Caller:
    """A new, empty caller for the request starting now."""
    caller = Caller()
    _caller.set(caller)
    return caller


def current_caller() -> Caller | None:
    return _caller.get()


def note_caller(user_id: object, api_key_id: object | None) -> None:
    """Record the request's caller (called once it is resolved)."""
    caller = _caller.get()
    if caller is not None:
        caller.user_id = str(user_id)
        caller.api_key_id = str(api_key_id) if api_key_id is not None else None
