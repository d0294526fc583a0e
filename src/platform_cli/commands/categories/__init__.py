"""`platform categories …`: mirrors ``client.categories`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Product categories: how many products each has, and renaming one.",
    verbs={"list": ".list:list_categories", "rename": ".rename:rename"},
)
