from __future__ import annotations

from pydantic import ConfigDict

from ._base import PlatformModel


class HealthStatus(PlatformModel):
    model_config = ConfigDict(extra="allow")

    status: str
    database: str | None = None
