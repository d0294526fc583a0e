"""The notifications domain's public interface (thin: re-exports what other domains call)."""

from platform_server.notifications.stats import failed_counts

__all__ = ["failed_counts"]
