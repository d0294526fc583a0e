"""Every kind of bulk job: importing a module registers its kinds (`kinds.register`)."""

from platform_server.bulk import products_kind  # noqa: F401
