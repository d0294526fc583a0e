"""`platform products images …`: mirrors ``client.products.images`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Pictures of a product: add, list, download, remove, choose the primary one.",
    verbs={
        "add": ".add:add",
        "list": ".list:list_images",
        "download": ".list:download",
        "remove": ".remove:remove",
        "set-primary": ".remove:set_primary",
    },
)
