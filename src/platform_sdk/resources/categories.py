from __future__ import annotations

from typing import Unpack

from .._endpoints import PageCall, Resource, paginated
from .._types import M, RequestOptions
from ..models import Category


class Categories(Resource[M]):
    @paginated("GET", "/api/v1/categories")
    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[Category]:
        """Every category with its number of products, by name."""
        return PageCall(
            item=Category.model_validate,
            query={"limit": limit, "cursor": cursor},
            options=options,
        )
