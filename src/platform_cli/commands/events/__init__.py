"""`platform events …`: mirrors ``client.events`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Domain events (staff): list them, show one, or follow them live.",
    verbs={"list": ".list:list_events", "get": ".list:get", "tail": ".tail:tail"},
)
