from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from platform_server.core.access import OptionalPrincipal
from platform_server.core.database import DbSession
from platform_server.core.pagination import Page
from platform_server.products.api import ProductOut
from platform_server.recommendations import service

router = APIRouter(tags=["products"])


@router.get("/products/{id}/recommendations", summary="Recommended products")
async def recommendations(
    id: uuid.UUID,
    session: DbSession,
    actor: OptionalPrincipal,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> Page[ProductOut]:
    """Products often bought in the same orders, then popular ones of the same category.
    One page only (`next_cursor` is always null)."""
    return Page[ProductOut](
        data=await service.recommend(session, id, actor, limit), next_cursor=None
    )
