"""Log format with the request id in every line (uvicorn uses the same config)."""

from __future__ import annotations

from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(level: str = "info") -> dict[str, Any]:
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "platform_server.core.request_context.RequestIdLogFilter"}
        },
        "formatters": {"default": {"format": FORMAT}},
        "handlers": {"default": handler},
        "loggers": {
            "platform_server": {"handlers": ["default"], "level": level.upper()},
            "uvicorn": {"handlers": ["default"], "level": level.upper()},
            # Our own access log carries the request id; uvicorn's would repeat it without.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
