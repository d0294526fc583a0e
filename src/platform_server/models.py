"""Every domain's tables, imported so Alembic sees the whole schema."""

from platform_server.api_keys.models import ApiKey
from platform_server.audit.models import AuditRecord
from platform_server.auth.mfa.models import MfaFactor, MfaRecoveryCode
from platform_server.auth.models import RefreshToken, Session
from platform_server.bulk.models import BulkJob
from platform_server.core.database import Base
from platform_server.core.idempotency import IdempotencyRecord
from platform_server.events.models import Event, EventStream
from platform_server.inventory.models import StockLevel, StockMovement
from platform_server.invoices.models import CreditNote, Invoice, InvoiceSequence
from platform_server.notifications.models import Notification
from platform_server.orders.models import Order, OrderItem, OrderTransition
from platform_server.payments.models import Payment, Refund
from platform_server.products.models import Product
from platform_server.users.models import User, UserProfile
from platform_server.webhooks.models import WebhookDelivery, WebhookEndpoint

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "AuditRecord",
    "BulkJob",
    "CreditNote",
    "Event",
    "EventStream",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceSequence",
    "MfaFactor",
    "MfaRecoveryCode",
    "Notification",
    "Order",
    "OrderItem",
    "OrderTransition",
    "Payment",
    "Product",
    "RefreshToken",
    "Refund",
    "Session",
    "StockLevel",
    "StockMovement",
    "User",
    "UserProfile",
    "WebhookDelivery",
    "WebhookEndpoint",
]
