"""The invoices domain's public interface: an order's invoice (issued when it is paid,
through `payments.api.order_paid`), a refund's credit note (`payments.api.refunded`),
and what the composition root wires: the commit hook that stores issued documents and
the keys the orphan sweep must keep."""

from platform_server.invoices.service import after_commit, issue, keys_in_use

__all__ = ["after_commit", "issue", "keys_in_use"]
