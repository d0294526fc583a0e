"""The webhooks domain's public interface (thin: re-exports what other domains call)."""

from platform_server.webhooks.stats import failed_delivery_counts

__all__ = ["failed_delivery_counts"]
