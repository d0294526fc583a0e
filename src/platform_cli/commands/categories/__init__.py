"""`platform categories …`: mirrors ``client.categories`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Product categories and how many products each has.",
    verbs={"list": ".list:list_categories"},
)
