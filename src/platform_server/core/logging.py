"""Structured logs (structlog): one JSON object a line, or a console layout for people.

Our own hot-path lines (the access log) are structlog loggers on its fast path: a
line below the level costs one method call, and one above it is rendered by structlog
and written to stderr without a standard library record. Everything written through the
standard library (our modules, uvicorn, SQLAlchemy warnings) goes through structlog's
`ProcessorFormatter`, so every line has the same shape. Each line carries the request
id and the caller of the request it belongs to, and whatever ids a worker bound around
the item it handles (`bound(event_id=..., delivery_id=...)`); values under keys that
name a secret are replaced before anything is rendered.
"""

from __future__ import annotations

import functools
import logging
import logging.config
import re
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, Literal

import structlog
from structlog.typing import Processor

from platform_server.core.request_context import current_caller, current_request_id

LogFormat = Literal["json", "console"]
REDACTED = "[redacted]"

# Keys whose values are credentials. An id of one (api_key_id) is not a secret.
_SENSITIVE = re.compile(
    r"pass(word|wd|phrase)?|token|secret|authorization|api_?key|cookie|credential|signature",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]+")


@functools.lru_cache(maxsize=1024)
def _is_sensitive(key: str) -> bool:
    return not key.endswith(("_id", "_ids")) and _SENSITIVE.search(key) is not None


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and _is_sensitive(k) else _redact(v)
            for k, v in value.items()
        }
    if isinstance(value, str) and ("earer " in value or "asic " in value):
        return _BEARER.sub(r"\1 " + REDACTED, value)
    return value


def redact_secrets(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> Any:
    """Replace the values of keys such as password, token, secret, authorization or
    api_key (at any depth), and credentials after `Bearer`/`Basic` in any text."""
    for key, value in event_dict.items():
        if _is_sensitive(key):
            event_dict[key] = REDACTED
        elif isinstance(value, dict) or (
            isinstance(value, str) and ("earer " in value or "asic " in value)
        ):
            event_dict[key] = _redact(value)
    return event_dict


def add_request_context(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> Any:
    """The request id and the caller's ids (never a credential) of the current request."""
    request_id = current_request_id()
    if request_id is not None:
        event_dict.setdefault("request_id", request_id)
        caller = current_caller()
        if caller is not None and caller.user_id is not None:
            event_dict.setdefault("user_id", caller.user_id)
            if caller.api_key_id is not None:
                event_dict.setdefault("api_key_id", caller.api_key_id)
    return event_dict


# Run for every line, ours and the standard library's, before it is rendered.
SHARED_PROCESSORS: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    add_request_context,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    redact_secrets,
]


def resolve_format(fmt: str | None) -> LogFormat:
    """json unless stated, or unless stderr is a terminal (a person is reading)."""
    if fmt in ("json", "console"):
        return fmt  # type: ignore[return-value]
    return "console" if sys.stderr.isatty() else "json"


def _renderers(fmt: str) -> list[Processor]:
    if fmt == "console":
        return [structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())]
    return [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]


def formatter(fmt: str = "json") -> logging.Formatter:
    """The standard library handler's formatter (named by `logging_config`)."""
    return structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *_renderers(fmt)],
        foreign_pre_chain=SHARED_PROCESSORS,
    )


class _StderrLogger:
    """Where structlog's own lines go, rendered: one write to the current stderr."""

    def __init__(self, name: str) -> None:
        self.name = name

    def msg(self, message: str) -> None:
        sys.stderr.write(message + "\n")

    debug = info = warning = error = critical = exception = msg


def _level_number(level: str) -> int:
    return logging.getLevelNamesMapping().get(level.upper(), logging.INFO)


def configure_structlog(level: str = "info", fmt: str | None = None) -> None:
    """structlog's own loggers (the access log): filtered by level before any work,
    rendered by structlog and written straight to stderr, without the standard
    library's records and handlers. Each process calls this once at start."""
    structlog.configure(
        processors=[*SHARED_PROCESSORS, *_renderers(resolve_format(fmt))],
        wrapper_class=structlog.make_filtering_bound_logger(_level_number(level)),
        logger_factory=_StderrLogger,
        cache_logger_on_first_use=True,
    )


def logging_config(level: str = "info", fmt: str | None = None) -> dict[str, Any]:
    """A `logging.config.dictConfig` for this process (uvicorn's `log_config` too)."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": f"{__name__}.formatter", "fmt": resolve_format(fmt)}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "stream": "ext://sys.stderr",
            }
        },
        # Libraries (SQLAlchemy, aio-pika, Python warnings) speak at WARNING and above.
        "root": {"handlers": ["default"], "level": "WARNING"},
        "loggers": {
            "platform_server": {"level": level},
            "uvicorn": {"level": level},
            # Our own access log has the request id, caller and route template.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def configure_logging(level: str = "info", fmt: str | None = None) -> None:
    """The whole process: structlog, the standard library, and Python warnings."""
    configure_structlog(level, fmt)
    logging.config.dictConfig(logging_config(level, fmt))
    logging.captureWarnings(True)


def get_logger(name: str) -> Any:
    """A structlog logger (`log.info("event", key=value)`)."""
    return structlog.get_logger(name)


@contextmanager
def bound(**ids: object) -> Iterator[None]:
    """Every line logged inside carries these ids (an event or delivery being handled)."""
    with structlog.contextvars.bound_contextvars(**{k: str(v) for k, v in ids.items()}):
        yield
