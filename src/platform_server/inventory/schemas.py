from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field

from platform_server.core.schemas import InputModel, OutputModel


class InventoryOut(OutputModel):
    product_id: uuid.UUID
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int
    updated_at: datetime


class AdjustmentIn(InputModel):
    delta: Annotated[
        int, Field(ge=-1_000_000, le=1_000_000, description="Units added (+) or removed (-)")
    ]
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    low_stock_threshold: Annotated[int, Field(ge=0, le=1_000_000)] | None = None


class MovementOut(OutputModel):
    id: uuid.UUID
    product_id: uuid.UUID
    delta: int
    on_hand_after: int
    kind: str
    reason: str
    actor_id: uuid.UUID | None
    order_id: uuid.UUID | None
    created_at: datetime
