"""The resource tree shared by Client, AsyncClient and their ``with_raw_response`` views.

Adding a resource: write ``resources/<name>.py``, list its class in ``resources/__init__``
and declare it here as a :class:`SubResource`, which imports its module on first use.
"""

from __future__ import annotations

from . import resources
from ._endpoints import SubResource
from ._raw import RawRequests
from ._types import M


class Resources(RawRequests[M]):
    auth: SubResource[resources.Auth[M]] = SubResource(lambda: resources.Auth)
    """Sign in and out, refresh tokens, list and revoke sessions."""

    users: SubResource[resources.Users[M]] = SubResource(lambda: resources.Users)

    api_keys: SubResource[resources.ApiKeys[M]] = SubResource(lambda: resources.ApiKeys)

    products: SubResource[resources.Products[M]] = SubResource(lambda: resources.Products)
    """The catalog: products, their stock and recommendations."""

    bulk: SubResource[resources.Bulk[M]] = SubResource(lambda: resources.Bulk)
    """Imports and exports as server-side jobs: ``bulk.imports.create``,
    ``bulk.exports.create``, ``bulk.jobs`` (list, get, cancel, result)."""

    categories: SubResource[resources.Categories[M]] = SubResource(lambda: resources.Categories)

    orders: SubResource[resources.Orders[M]] = SubResource(lambda: resources.Orders)
    """Orders, their status changes, payments and invoice."""

    payments: SubResource[resources.Payments[M]] = SubResource(lambda: resources.Payments)

    events: SubResource[resources.Events[M]] = SubResource(lambda: resources.Events)
    """Domain events: list, get, and follow them live (``stream``)."""

    audit: SubResource[resources.Audit[M]] = SubResource(lambda: resources.Audit)
    """The audit trail (admins): who changed what, from where, and when."""

    notifications: SubResource[resources.Notifications[M]] = SubResource(
        lambda: resources.Notifications
    )
    """Emails and SMS sent to customers and admins; staff retry failed ones."""

    webhooks: SubResource[resources.Webhooks[M]] = SubResource(lambda: resources.Webhooks)
    """Webhook endpoints and their deliveries (admins); to verify what a receiver
    gets, use the ``platform_sdk.webhooks`` module."""

    stats: SubResource[resources.Stats[M]] = SubResource(lambda: resources.Stats)
    """Figures for the operator dashboard (staff): ``stats.overview()``."""

    health: SubResource[resources.Health[M]] = SubResource(lambda: resources.Health)
