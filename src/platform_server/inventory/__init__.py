"""Stock per product: on hand, reserved by orders, and the ledger of adjustments."""
