"""The resource tree shared by Client, AsyncClient and their ``with_raw_response`` views.

Adding a resource: write ``resources/<name>.py`` and add one cached property here.
"""

from __future__ import annotations

from functools import cached_property

from ._endpoints import Resource
from ._types import M
from .resources.api_keys import ApiKeys
from .resources.auth import Auth
from .resources.categories import Categories
from .resources.health import Health
from .resources.orders import Orders
from .resources.payments import Payments
from .resources.products import Products
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
    def products(self) -> Products[M]:
        """The catalog: products, their stock and recommendations."""
        return Products(self._executor, raw=self._raw)

    @cached_property
    def categories(self) -> Categories[M]:
        return Categories(self._executor, raw=self._raw)

    @cached_property
    def orders(self) -> Orders[M]:
        """Orders, their status changes, payments and invoice."""
        return Orders(self._executor, raw=self._raw)

    @cached_property
    def payments(self) -> Payments[M]:
        return Payments(self._executor, raw=self._raw)

    @cached_property
    def health(self) -> Health[M]:
        return Health(self._executor, raw=self._raw)
