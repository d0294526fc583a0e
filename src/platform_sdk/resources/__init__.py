"""One module per URL subtree; each resource class declares its endpoints once."""

from .api_keys import ApiKeys
from .auth import Auth, Sessions
from .health import Health
from .users import Profiles, Users

__all__ = ["ApiKeys", "Auth", "Health", "Profiles", "Sessions", "Users"]
