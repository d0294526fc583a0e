"""`platform products …`: mirrors ``client.products`` of the SDK, plus import and export."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="The product catalog: list, search, create, change, import and export products.",
    verbs={
        "list": ".list:list_products",
        "search": ".list:search",
        "get": ".get:get",
        "recommendations": ".get:recommendations",
        "create": ".create:create",
        "update": ".update:update",
        "archive": ".update:archive",
        "delete": ".delete:delete",
        "import": ".import_file:import_file",
        "export": ".export:export_file",
        "inventory": ".inventory",
        "images": ".images",
    },
)
