"""Shared plumbing: settings, database, errors, pagination, security, idempotency."""
