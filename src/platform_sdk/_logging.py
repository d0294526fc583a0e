"""The ``platform_sdk`` logger. It never sees headers, bodies or query values (secrets, PII)."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger("platform_sdk")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler added because of PLATFORM_LOG, so it is added only once."""


def configure_from_env() -> None:
    """Apply ``PLATFORM_LOG`` (e.g. ``debug``); without it, logging is left to the application."""
    level = _LEVELS.get(os.environ.get("PLATFORM_LOG", "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not any(isinstance(h, _EnvHandler) for h in logger.handlers):
        handler = _EnvHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


def loggable_url(url: httpx.URL) -> str:
    """The URL with query values masked: filters such as ``q`` may hold emails."""
    base = str(url.copy_with(query=None, fragment=None))
    if not url.query:
        return base
    keys = dict.fromkeys(key for key, _ in url.params.multi_items())
    return base + "?" + "&".join(f"{key}=***" for key in keys)
