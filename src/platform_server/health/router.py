from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from platform_server.core.database import DatabaseDep
from platform_server.health import service

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    status: str
    database: str | None = None


@router.get("/healthz", response_model=HealthStatus, summary="Liveness")
async def healthz() -> HealthStatus:
    return HealthStatus(status="ok")


@router.get(
    "/readyz",
    response_model=HealthStatus,
    summary="Readiness",
    responses={503: {"description": "The database is unreachable"}},
)
async def readyz(db: DatabaseDep) -> HealthStatus:
    await service.check_database(db)
    return HealthStatus(status="ok", database="ok")
