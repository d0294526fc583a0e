from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from platform_server.core.container import SettingsDep
from platform_server.core.database import DatabaseDep
from platform_server.health import service

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    status: str
    database: str | None = None
    redis: str | None = None


@router.get("/healthz", response_model=HealthStatus, summary="Liveness")
async def healthz() -> HealthStatus:
    return HealthStatus(status="ok")


@router.get(
    "/readyz",
    response_model=HealthStatus,
    summary="Readiness",
    responses={503: {"description": "The database is unreachable"}},
    response_model_exclude_none=True,
)
async def readyz(db: DatabaseDep, settings: SettingsDep) -> HealthStatus:
    """200 while the database answers; `degraded` (still 200) when a configured Redis
    does not: limits then count per process until it is back."""
    await service.check_database(db)
    if not settings.redis_url:
        return HealthStatus(status="ok", database="ok")
    if await service.redis_reachable(settings.redis_url):
        return HealthStatus(status="ok", database="ok", redis="ok")
    return HealthStatus(status="degraded", database="ok", redis="unreachable")
