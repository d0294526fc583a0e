"""The audit domain's public interface (thin: re-exports what other domains call)."""

from platform_server.audit.service import diff, record, snapshot

__all__ = ["diff", "record", "snapshot"]
