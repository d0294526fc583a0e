"""Figures for the operator dashboard (staff). Read-only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from platform_server.core.access import requires
from platform_server.core.database import DbSession
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.stats import service
from platform_server.stats.schemas import OverviewOut

router = APIRouter(prefix="/stats", tags=["stats"])
StatsReader = Annotated[Principal, requires(Permission.STATS_READ)]


@router.get("/overview", summary="The dashboard overview (staff)")
async def get_overview(session: DbSession, actor: StatsReader) -> OverviewOut:
    """Today's orders and revenue, unpaid orders, low-stock products, new users, failed
    notifications and webhook deliveries, each with its last 24 hours hour by hour.
    "Today" is the UTC day so far."""
    return await service.overview(session)
