from __future__ import annotations

import logging

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from platform_server.core.database import DatabaseDep
from platform_server.core.errors import ProblemError

router = APIRouter(tags=["health"])
logger = logging.getLogger("platform_server.health")


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
    try:
        async with db.transaction(write=False) as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        logger.warning("readiness check failed: %s", exc)
        raise ProblemError("The database is unreachable.", status=503) from exc
    return HealthStatus(status="ok", database="ok")
