"""The health domain's public interface: what other packages may import from it."""

from platform_server.health.service import check_database

__all__ = ["check_database"]
