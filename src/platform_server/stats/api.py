"""The stats domain's public interface."""

from platform_server.stats.service import overview

__all__ = ["overview"]
