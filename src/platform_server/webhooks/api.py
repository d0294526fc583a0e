"""The webhooks domain's public interface: what other domains may import from it."""

from platform_server.webhooks.repository import delivery_states, failed_delivery_counts

__all__ = ["delivery_states", "failed_delivery_counts"]
