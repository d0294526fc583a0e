from platform_server.core.hooks import Check

# handler(session, product_id) -> bool: do records elsewhere (orders) refer to it?
product_in_use = Check("product_in_use")
