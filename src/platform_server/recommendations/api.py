"""The recommendations domain's public interface."""

from platform_server.recommendations.service import recommend

__all__ = ["recommend"]
