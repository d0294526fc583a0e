"""The users domain's public interface (thin: only what other packages call so far)."""

from platform_server.users.service import Contact, admin_contacts, contacts

__all__ = ["Contact", "admin_contacts", "contacts"]
