"""`platform orders …`: mirrors ``client.orders`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Place orders and move them on (fulfil, ship, deliver, cancel); history, invoices.",
    verbs={
        "list": ".list:list_orders",
        "get": ".list:get",
        "history": ".list:history",
        "create": ".create:create",
        "cancel": ".transitions:cancel",
        "fulfill": ".transitions:fulfill",
        "ship": ".transitions:ship",
        "deliver": ".transitions:deliver",
        "invoice": ".invoice:invoice",
    },
)
