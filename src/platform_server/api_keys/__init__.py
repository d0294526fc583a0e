"""API keys for scripts and CI."""
