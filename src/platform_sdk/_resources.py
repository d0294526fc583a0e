"""The resource tree shared by Client, AsyncClient and their ``with_raw_response`` views.

Adding a resource: write ``resources/<name>.py``, list its class in ``resources/__init__``
and add one cached property here. Each property imports its module on first use.
"""

from __future__ import annotations

from functools import cached_property

from . import resources
from ._raw import RawRequests
from ._types import M


class Resources(RawRequests[M]):
    @cached_property
    def auth(self) -> resources.Auth[M]:
        """Sign in and out, refresh tokens, list and revoke sessions."""
        return resources.Auth(self._executor, raw=self._raw)

    @cached_property
    def users(self) -> resources.Users[M]:
        return resources.Users(self._executor, raw=self._raw)

    @cached_property
    def api_keys(self) -> resources.ApiKeys[M]:
        return resources.ApiKeys(self._executor, raw=self._raw)

    @cached_property
    def products(self) -> resources.Products[M]:
        """The catalog: products, their stock and recommendations."""
        return resources.Products(self._executor, raw=self._raw)

    @cached_property
    def bulk(self) -> resources.Bulk[M]:
        """Imports and exports as server-side jobs: ``bulk.imports.create``,
        ``bulk.exports.create``, ``bulk.jobs`` (list, get, cancel, result)."""
        return resources.Bulk(self._executor, raw=self._raw)

    @cached_property
    def categories(self) -> resources.Categories[M]:
        return resources.Categories(self._executor, raw=self._raw)

    @cached_property
    def orders(self) -> resources.Orders[M]:
        """Orders, their status changes, payments and invoice."""
        return resources.Orders(self._executor, raw=self._raw)

    @cached_property
    def payments(self) -> resources.Payments[M]:
        return resources.Payments(self._executor, raw=self._raw)

    @cached_property
    def events(self) -> resources.Events[M]:
        """Domain events: list, get, and follow them live (``stream``)."""
        return resources.Events(self._executor, raw=self._raw)

    @cached_property
    def audit(self) -> resources.Audit[M]:
        """The audit trail (admins): who changed what, from where, and when."""
        return resources.Audit(self._executor, raw=self._raw)

    @cached_property
    def notifications(self) -> resources.Notifications[M]:
        """Emails and SMS sent to customers and admins; staff retry failed ones."""
        return resources.Notifications(self._executor, raw=self._raw)

    @cached_property
    def webhooks(self) -> resources.Webhooks[M]:
        """Webhook endpoints and their deliveries (admins); to verify what a receiver
        gets, use the ``platform_sdk.webhooks`` module."""
        return resources.Webhooks(self._executor, raw=self._raw)

    @cached_property
    def stats(self) -> resources.Stats[M]:
        """Figures for the operator dashboard (staff): ``stats.overview()``."""
        return resources.Stats(self._executor, raw=self._raw)

    @cached_property
    def health(self) -> resources.Health[M]:
        return resources.Health(self._executor, raw=self._raw)
