"""Every domain's tables, imported so Alembic sees the whole schema."""

from platform_server.api_keys.models import ApiKey
from platform_server.auth.models import RefreshToken, Session
from platform_server.core.database import Base
from platform_server.core.idempotency import IdempotencyRecord
from platform_server.users.models import User, UserProfile

metadata = Base.metadata

__all__ = ["ApiKey", "IdempotencyRecord", "RefreshToken", "Session", "User", "UserProfile"]
