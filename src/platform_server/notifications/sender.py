"""PLACEHOLDER: replaced by the notifications implementation."""

from __future__ import annotations

from platform_server.core.database import Database
from platform_server.core.settings import Settings


class NotificationSender:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def run_once(self) -> int:
        return 0

    async def close(self) -> None:
        return None
