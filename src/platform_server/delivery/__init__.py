"""At-least-once delivery of queued rows, shared by notifications and webhooks.

Not a domain (it has no tables of its own): the columns, indexes and claim/lease/settle
statements that each delivering domain applies to its own table. It imports no domain.
"""

from platform_server.delivery.queue import (
    FAILED,
    DeliveryMixin,
    DeliveryStates,
    anything_due,
    claim,
    due,
    failed_counts,
    is_pending,
    outcome_values,
    pending_indexes,
    retry_now,
    settle,
    state_counts,
)

__all__ = [
    "FAILED",
    "DeliveryMixin",
    "DeliveryStates",
    "anything_due",
    "claim",
    "due",
    "failed_counts",
    "is_pending",
    "outcome_values",
    "pending_indexes",
    "retry_now",
    "settle",
    "state_counts",
]
