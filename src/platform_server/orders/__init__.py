"""Orders: placing them (reserving stock at catalog prices), their status machine and history."""
