"""Random (version 4) UUIDs in bulk."""

from __future__ import annotations

import os
import uuid


def new_ids(count: int) -> list[uuid.UUID]:
    """`count` version-4 UUIDs from one read of the OS's random source.

    `uuid.uuid4()` reads it once per id, and each read lets go of the GIL; with the
    database driver's thread waiting for it, a bulk write of thousands of rows then
    spends more time handing the GIL back and forth than making ids.
    """
    raw = os.urandom(16 * count)
    return [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, 16 * count, 16)]
