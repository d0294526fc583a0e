"""The overview: each figure comes from the domain that owns it, through its service."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.database import utcnow
from platform_server.core.timeseries import Hours
from platform_server.inventory import api as inventory
from platform_server.notifications import api as notifications
from platform_server.orders import api as orders
from platform_server.products import api as products
from platform_server.stats.schemas import HOURS, CurrencyAmountOut, OverviewOut, OverviewTrendsOut
from platform_server.users import api as users
from platform_server.webhooks import api as webhooks


def _main_currency(figures: orders.OverviewFigures) -> str | None:
    """The currency with the most paid orders in the hours (ties: by code)."""
    counts = figures.revenue_orders
    return min(counts, key=lambda c: (-counts[c], c)) if counts else None


async def overview(session: AsyncSession, now: datetime | None = None) -> OverviewOut:
    now = now or utcnow()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    buckets = Hours.ending_at(now, HOURS)
    # Read in the request's one transaction (on PostgreSQL each query sees what had
    # committed when it ran: figures may disagree by the writes of those milliseconds).
    order_figures = await orders.overview_figures(session, day_start, buckets)
    low_stock = await products.count_active(session, inventory.low_stock_ids())
    new_users = await users.new_user_counts(session, day_start, buckets)
    failed_notifications = await notifications.failed_counts(session, buckets)
    failed_deliveries = await webhooks.failed_delivery_counts(session, buckets)

    currency = _main_currency(order_figures)
    revenue = (
        order_figures.hourly_revenue[currency]
        if currency is not None
        else [Decimal(0)] * buckets.count
    )
    return OverviewOut(
        generated_at=now,
        day_start=day_start,
        orders_today=order_figures.orders_today,
        revenue_today=[
            CurrencyAmountOut(currency=code, amount=amount)
            for code, amount in order_figures.revenue_today.items()
        ],
        pending_orders=order_figures.pending,
        low_stock_products=low_stock,
        new_users_today=new_users.total,
        failed_notifications=failed_notifications.total,
        failed_webhook_deliveries=failed_deliveries.total,
        trends=OverviewTrendsOut(
            since=buckets.start,
            hours=buckets.count,
            orders=order_figures.hourly_orders,
            revenue=revenue,
            revenue_currency=currency,
            new_users=new_users.hourly,
            failed_notifications=failed_notifications.hourly,
            failed_webhook_deliveries=failed_deliveries.hourly,
        ),
    )
