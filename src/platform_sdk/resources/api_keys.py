from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, endpoint, paginated
from .._types import CreateOptions, M, PageOptions, RequestOptions
from ..models import ApiKey, ApiKeyCreated
from ._calls import one


class ApiKeys(Resource[M]):
    """API keys of the current user."""

    @endpoint("POST", "/api/v1/api-keys", creates=True)
    def create(
        self,
        *,
        name: str,
        scopes: Sequence[str] | None = None,
        expires_at: datetime | None = None,
        **options: Unpack[CreateOptions],
    ) -> Call[ApiKeyCreated]:
        """Create a key; ``key`` of the answer is the secret and is shown only once."""
        return one(
            ApiKeyCreated,
            options,
            body={
                "name": name,
                "scopes": list(scopes) if scopes is not None else None,
                "expires_at": expires_at,
            },
        )

    @paginated("GET", "/api/v1/api-keys")
    def list(self, **options: Unpack[PageOptions]) -> PageCall[ApiKey]: ...

    @endpoint("DELETE", "/api/v1/api-keys/{id}")
    def revoke(self, key_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[None]: ...
