from platform_server.core.hooks import Hook

# handler(session, order_id, buyer_email): an order was paid (invoices issue one).
order_paid = Hook("order_paid")
