"""Caches shared by domains (today: the in-process micro-cache of anonymous reads)."""
