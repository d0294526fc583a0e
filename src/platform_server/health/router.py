from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from platform_server.cache.redis_link import RedisLink
from platform_server.core.container import Slot
from platform_server.core.database import DatabaseDep
from platform_server.health import service

router = APIRouter(tags=["health"])
# The Redis the server uses, when configured (app.py binds the catalog cache's link).
REDIS_PROBE: Slot[RedisLink | None] = Slot("redis probe")
RedisDep = Annotated[RedisLink | None, Depends(REDIS_PROBE.provide)]


class HealthStatus(BaseModel):
    status: Literal["ok", "degraded"] = Field(
        description="`degraded`: serving, with a component marked degraded"
    )
    database: Literal["ok"] | None = None
    redis: Literal["ok", "degraded"] | None = Field(
        None,
        description="Only when Redis is configured. `degraded`: unreachable; requests "
        "are still served (caches bypassed) and the process stays ready",
    )


@router.get(
    "/healthz",
    response_model_exclude={"redis"},  # the shape it always had
    summary="Liveness",
)
async def healthz() -> HealthStatus:
    return HealthStatus(status="ok")


@router.get(
    "/readyz",
    response_model_exclude_none=True,
    summary="Readiness",
    responses={503: {"description": "The database is unreachable"}},
)
async def readyz(db: DatabaseDep, redis: RedisDep) -> HealthStatus:
    await service.check_database(db)
    if redis is None:
        return HealthStatus(status="ok", database="ok")
    state = await service.check_redis(redis)
    return HealthStatus(status=state, database="ok", redis=state)
