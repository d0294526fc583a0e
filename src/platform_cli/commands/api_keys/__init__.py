"""`platform api-keys …`: mirrors ``client.api_keys`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Your API keys (for CI and scripts).",
    verbs={"create": ".create:create", "list": ".list:list_keys", "revoke": ".list:revoke"},
)
