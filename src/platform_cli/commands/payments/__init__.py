"""`platform payments …`: ``client.orders.payments`` and ``client.payments.refunds``."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Pay orders, list their payments, refund them; list refunds and their credit notes.",
    verbs={
        "pay": ".pay:pay",
        "list": ".list:list_payments",
        "get": ".list:get",
        "refund": ".refund:refund",
        "refunds": ".list:list_refunds",
        "credit-note": ".credit_note:credit_note",
    },
)
