"""Response models. Every one keeps unknown fields (``extra="allow"``)."""

from ._base import PlatformModel
from .api_keys import ApiKey, ApiKeyCreated
from .auth import Session, TokenPair
from .health import HealthStatus
from .users import Profile, User

__all__ = [
    "ApiKey",
    "ApiKeyCreated",
    "HealthStatus",
    "PlatformModel",
    "Profile",
    "Session",
    "TokenPair",
    "User",
]
