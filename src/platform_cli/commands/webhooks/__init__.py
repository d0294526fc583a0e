"""`platform webhooks …`: mirrors ``client.webhooks`` of the SDK (admins)."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Webhook endpoints (admins): register URLs for events, watch deliveries, resend.",
    verbs={
        "create": ".create:create",
        "list": ".list:list_webhooks",
        "get": ".list:get",
        "update": ".update:update",
        "delete": ".delete:delete",
        "rotate-secret": ".create:rotate_secret",
        "test": ".deliveries:test",
        "deliveries": ".deliveries:deliveries",
        "redeliver": ".deliveries:redeliver",
        "listen": ".listen:listen",
    },
)
