"""The backend the settings choose, and the slot routes find it in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from platform_server.core.container import Slot
from platform_server.core.settings import Settings
from platform_server.storage.base import Storage
from platform_server.storage.local import LocalStorage

# Filled by app.py; routes take `storage: StorageDep`.
STORAGE: Slot[Storage] = Slot("storage")
StorageDep = Annotated[Storage, Depends(STORAGE.provide)]


def open_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        # Imported only when chosen: aiobotocore is the `s3` extra.
        from platform_server.storage.s3 import S3Storage

        return S3Storage(settings)
    return LocalStorage(settings.resolved_storage_dir)
