from __future__ import annotations

from datetime import datetime

from pydantic import Field

from platform_server.core.money import MoneyOut
from platform_server.core.schemas import OutputModel

HOURS = 24


class CurrencyAmountOut(OutputModel):
    currency: str = Field(description="ISO 4217 code", examples=["USD"])
    amount: MoneyOut = Field(description='A decimal string, e.g. "19.99"')


class OverviewTrendsOut(OutputModel):
    """One value per hour, oldest first; the last is the current hour, so far."""

    since: datetime = Field(description="Start of the oldest hour (UTC, on the hour)")
    hours: int = Field(description="How many hourly values each series has (24)")
    orders: list[int] = Field(description="Orders placed per hour, whatever their status now")
    revenue: list[MoneyOut] = Field(
        description="Per hour, the total of the orders placed then that are paid or further "
        "on, in `revenue_currency`"
    )
    revenue_currency: str | None = Field(
        description="The currency of `revenue`: the one with the most paid orders in these "
        "hours; null when there were none (then every value is 0)"
    )
    new_users: list[int] = Field(description="Accounts created per hour")
    failed_notifications: list[int] = Field(
        description="Of the notifications now failed, how many failed in each hour"
    )
    failed_webhook_deliveries: list[int] = Field(
        description="Of the webhook deliveries now failed, how many failed in each hour"
    )


class OverviewOut(OutputModel):
    """The dashboard's overview. "Today" is the UTC day so far."""

    generated_at: datetime = Field(description="When these figures were read")
    day_start: datetime = Field(description="Start of today (UTC midnight)")
    orders_today: int = Field(description="Orders placed today, whatever their status now")
    revenue_today: list[CurrencyAmountOut] = Field(
        description="Per currency (by code), the total of orders placed today that are paid "
        "or further on (fulfilled, shipped, delivered); refunded and cancelled ones are out. "
        "Empty when there are none"
    )
    pending_orders: int = Field(
        description="Orders placed and not paid yet (status `pending`), of any day; each "
        "holds its stock until it expires"
    )
    low_stock_products: int = Field(
        description="Active products whose available stock is at or below their low-stock "
        "threshold (archived ones are no longer stocked)"
    )
    new_users_today: int = Field(description="Accounts created today")
    failed_notifications: int = Field(
        description="Notifications that gave up after their last retry (status `failed`), "
        "of any day, until retried by hand"
    )
    failed_webhook_deliveries: int = Field(
        description="Webhook deliveries that gave up after their last retry (status "
        "`failed`), of any day, until redelivered by hand"
    )
    trends: OverviewTrendsOut = Field(description=f"The last {HOURS} hours, hour by hour")
