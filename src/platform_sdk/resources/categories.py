from __future__ import annotations

from typing import Unpack

from .._endpoints import PageCall, Resource, paginated
from .._types import M, PageOptions
from ..models import Category


class Categories(Resource[M]):
    @paginated("GET", "/api/v1/categories")
    def list(self, **options: Unpack[PageOptions]) -> PageCall[Category]:
        """Every category with its number of products, by name."""
        ...
