"""The users domain's public interface (thin: re-exports what other domains call)."""

from platform_server.users.service import new_user_counts

__all__ = ["new_user_counts"]
