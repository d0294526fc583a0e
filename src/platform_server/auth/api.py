"""The auth domain's public interface (thin: only what other packages call so far)."""

from platform_server.auth.deps import requires

__all__ = ["requires"]
