"""`platform products inventory …` (also, for one release, `platform inventory …`): mirrors
``client.products.inventory`` of the SDK (staff)."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Stock of products: show, adjust, and the ledger (staff).",
    verbs={"show": ".show:show", "adjust": ".adjust:adjust", "ledger": ".show:ledger"},
)
