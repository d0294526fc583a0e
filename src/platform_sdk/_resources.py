"""The resource tree shared by Client, AsyncClient and their ``with_raw_response`` views.

Adding a resource: write ``resources/<name>.py`` and add one cached property here.
"""

from __future__ import annotations

from functools import cached_property

from ._raw import RawRequests
from ._types import M
from .resources.api_keys import ApiKeys
from .resources.audit import Audit
from .resources.auth import Auth
from .resources.categories import Categories
from .resources.events import Events
from .resources.health import Health
from .resources.notifications import Notifications
from .resources.orders import Orders
from .resources.payments import Payments
from .resources.products import Products
from .resources.stats import Stats
from .resources.users import Users
from .resources.webhooks import Webhooks


class Resources(RawRequests[M]):
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
    def events(self) -> Events[M]:
        """Domain events: list, get, and follow them live (``stream``)."""
        return Events(self._executor, raw=self._raw)

    @cached_property
    def audit(self) -> Audit[M]:
        """The audit trail (admins): who changed what, from where, and when."""
        return Audit(self._executor, raw=self._raw)

    @cached_property
    def notifications(self) -> Notifications[M]:
        """Emails and SMS sent to customers and admins; staff retry failed ones."""
        return Notifications(self._executor, raw=self._raw)

    @cached_property
    def webhooks(self) -> Webhooks[M]:
        """Webhook endpoints and their deliveries (admins); to verify what a receiver
        gets, use the ``platform_sdk.webhooks`` module."""
        return Webhooks(self._executor, raw=self._raw)

    @cached_property
    def stats(self) -> Stats[M]:
        """Figures for the operator dashboard (staff): ``stats.overview()``."""
        return Stats(self._executor, raw=self._raw)

    @cached_property
    def health(self) -> Health[M]:
        return Health(self._executor, raw=self._raw)
