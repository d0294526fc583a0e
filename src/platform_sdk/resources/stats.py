from __future__ import annotations

from typing import Unpack

from .._endpoints import Call, Resource, endpoint
from .._types import M, RequestOptions
from ..models import Overview


class Stats(Resource[M]):
    """Figures for the operator dashboard (staff)."""

    @endpoint("GET", "/api/v1/stats/overview")
    def overview(self, **options: Unpack[RequestOptions]) -> Call[Overview]:
        """Today's orders and revenue, unpaid orders, low-stock products, new users, failed
        notifications and webhook deliveries, each with its last 24 hours hour by hour."""
        ...
