from __future__ import annotations

from typing import Unpack

from .._endpoints import Call, PageCall, Resource, endpoint, paginated
from .._types import M, PageOptions, RequestOptions
from ..models import Category


class Categories(Resource[M]):
    @paginated("GET", "/api/v1/categories")
    def list(self, **options: Unpack[PageOptions]) -> PageCall[Category]:
        """Every category with its number of products, by name."""
        ...

    @endpoint("POST", "/api/v1/categories/rename")
    def rename(
        self,
        name: str,
        new_name: str,
        *,
        merge: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Category]:
        """Move every product of ``name``, archived ones too, to ``new_name`` (staff); each
        becomes a ``product.updated`` event. A ``new_name`` that already has products raises
        ``ConflictError`` unless ``merge=True``; ``NotFoundError`` when no product has
        ``name``. Returns the category as it is now."""
        ...
