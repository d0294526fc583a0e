from __future__ import annotations

from ._base import PlatformModel


class HealthStatus(PlatformModel):
    status: str
    database: str | None = None
