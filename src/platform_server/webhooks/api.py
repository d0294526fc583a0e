"""The webhooks domain's public interface: what other domains may import from it."""

from platform_server.webhooks.repository import failed_delivery_counts

__all__ = ["failed_delivery_counts"]
