"""The audit domain's public interface (thin: only what other packages call so far)."""

from platform_server.audit.service import diff, record

__all__ = ["diff", "record"]
