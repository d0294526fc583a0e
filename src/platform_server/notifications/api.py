"""The notifications domain's public interface: what other domains may import from it."""

from platform_server.notifications.repository import failed_counts, states
from platform_server.notifications.service import queue_for_admins, queue_for_user

__all__ = ["failed_counts", "queue_for_admins", "queue_for_user", "states"]
