"""Every kind of bulk job: importing a module registers its kinds (`kinds.register`)."""

from platform_server.bulk import orders_kinds, people_kinds, products_kind, stock_kinds  # noqa: F401
