"""PLACEHOLDER: replaced by the webhooks implementation."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.events.schemas import EventOut
from platform_server.events.service import subscribe


@subscribe
async def plan_webhooks(session: AsyncSession, events: list[EventOut]) -> None:
    return None
