from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ._base import PlatformModel


class CurrencyAmount(PlatformModel):
    """An amount of money in one currency (``amount`` is exact: a ``Decimal``)."""

    currency: str
    amount: Decimal


class OverviewTrends(PlatformModel):
    """The last ``hours`` (24) hours, one value per hour, oldest first; the last value is
    the current hour so far, and ``since`` the start of the oldest."""

    since: datetime
    hours: int
    orders: list[int]
    revenue: list[Decimal]
    """Paid-or-later orders' totals per hour, in ``revenue_currency``."""
    revenue_currency: str | None = None
    """The currency with the most paid orders in these hours; ``None`` when there were none."""
    new_users: list[int]
    failed_notifications: list[int]
    failed_webhook_deliveries: list[int]


class Overview(PlatformModel):
    """The operator dashboard's figures (staff). "Today" is the UTC day so far.

    ``pending_orders`` (unpaid), ``low_stock_products``, ``failed_notifications`` and
    ``failed_webhook_deliveries`` count what is so now, of any day; ``revenue_today`` is
    per currency, of orders placed today that are paid or further on.
    """

    generated_at: datetime
    day_start: datetime
    orders_today: int
    revenue_today: list[CurrencyAmount]
    pending_orders: int
    low_stock_products: int
    new_users_today: int
    failed_notifications: int
    failed_webhook_deliveries: int
    trends: OverviewTrends
