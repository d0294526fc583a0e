"""Authentication: login, refresh sessions, access tokens, and resolving the caller."""
