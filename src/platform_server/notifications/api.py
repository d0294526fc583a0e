"""The notifications domain's public interface: what other domains may import from it."""

from platform_server.notifications.repository import count_for_user, failed_counts, states
from platform_server.notifications.service import queue_for_admins, queue_for_user

__all__ = ["count_for_user", "failed_counts", "queue_for_admins", "queue_for_user", "states"]
