from __future__ import annotations

from ._base import PlatformModel


class HealthStatus(PlatformModel):
    status: str  # "ok", or "degraded" while a configured Redis is unreachable
    database: str | None = None
    redis: str | None = None  # "ok" or "unreachable"; None when the server uses no Redis
