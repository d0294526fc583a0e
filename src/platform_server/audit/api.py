"""The audit trail's public interface: what other domains call to record a change.

Record in services, in the transaction of the change (`record`), or in one of its
own when the request is going to fail (`record_now`).
"""

from platform_server.audit.repository import export_page
from platform_server.audit.schemas import AuditFilters
from platform_server.audit.service import by_staff, diff, record, record_now, snapshot

__all__ = ["AuditFilters", "by_staff", "diff", "export_page", "record", "record_now", "snapshot"]
