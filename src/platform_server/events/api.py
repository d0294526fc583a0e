"""The events domain's public interface (thin: re-exports what other domains call)."""

from platform_server.events.service import record, record_many

__all__ = ["record", "record_many"]
