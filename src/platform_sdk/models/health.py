from __future__ import annotations

from ._base import PlatformModel


class HealthStatus(PlatformModel):
    # "ok", or "degraded" when a component (Redis) is marked degraded but the server serves.
    status: str
    database: str | None = None
    # Only when the server uses Redis: "ok" or "degraded".
    redis: str | None = None
