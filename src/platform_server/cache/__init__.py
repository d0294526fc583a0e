"""Caches shared by domains: the catalog cache (in Redis or in process) and its invalidation."""
