"""The resource tree shared by Client, AsyncClient and their ``with_raw_response`` views.

Adding a resource: write ``resources/<name>.py`` and add one cached property here.
"""

from __future__ import annotations

from functools import cached_property

from ._endpoints import Resource
from ._types import M
from .resources.api_keys import ApiKeys
from .resources.auth import Auth
from .resources.health import Health
from .resources.users import Users


class Resources(Resource[M]):
    @cached_property
    def auth(self) -> Auth[M]:
        """Sign in and out, refresh tokens, list and revoke sessions."""
        return Auth(self._executor, raw=self._raw)

    @cached_property
    def users(self) -> Users[M]:
        return Users(self._executor, raw=self._raw)

    @cached_property
    def api_keys(self) -> ApiKeys[M]:
        return ApiKeys(self._executor, raw=self._raw)

    @cached_property
    def health(self) -> Health[M]:
        return Health(self._executor, raw=self._raw)
