from __future__ import annotations

from typing import Unpack
from uuid import UUID

from .._endpoints import Call, Resource, endpoint
from .._files import Downloaded, FileSource, FileTarget
from .._types import DownloadOptions, M, RequestOptions, UploadOptions
from ..models import Profile
from ._calls import saved, uploaded


class Avatars(Resource[M]):
    """Profile pictures: uploaded (JPEG, PNG or WebP; stored without metadata, fitted
    in 512 px), served through the API; the profile's ``avatar_url`` points at it."""

    @endpoint("PUT", "/api/v1/users/me/avatar")
    def set(self, file: FileSource, **options: Unpack[UploadOptions]) -> Call[Profile]:
        """Upload your own avatar from a path or binary file object (replaces any)."""
        return uploaded(Profile, file, options)

    @endpoint("PUT", "/api/v1/users/{id}/avatar")
    def set_for(
        self, user_id: UUID | str, file: FileSource, **options: Unpack[UploadOptions]
    ) -> Call[Profile]:
        """Upload a user's avatar (the user themself, or an admin)."""
        return uploaded(Profile, file, options, id=user_id)

    @endpoint("DELETE", "/api/v1/users/me/avatar")
    def remove(self, **options: Unpack[RequestOptions]) -> Call[Profile]:
        """Remove your avatar; the profile's ``avatar_url`` becomes None."""
        ...

    @endpoint("DELETE", "/api/v1/users/{id}/avatar")
    def remove_for(self, user_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Profile]:
        """Remove a user's avatar (the user themself, or an admin)."""
        ...

    @endpoint("GET", "/api/v1/users/{id}/avatar")
    def download(
        self, user_id: UUID | str, to: FileTarget, **options: Unpack[DownloadOptions]
    ) -> Call[Downloaded]:
        """Stream a user's avatar to a path or binary file object (``ConflictError``
        when they uploaded none)."""
        return saved(options, to, accept="image/*", path={"id": user_id})
