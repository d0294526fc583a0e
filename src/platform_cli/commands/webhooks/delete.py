"""`platform webhooks delete`."""

from __future__ import annotations

from platform_cli.commands.webhooks.options import WebhookId
from platform_cli.verbs import Change, Session, changing


@changing(confirm=True)
def delete(session: Session, webhook_id: WebhookId) -> Change:
    """Delete an endpoint and its delivery log; nothing more is sent to it."""
    webhooks = session.sdk.webhooks
    return Change(
        action=f"delete webhook endpoint {webhook_id}",
        fetch=lambda: webhooks.get(webhook_id),  # 404 if it does not exist
        call=lambda: webhooks.delete(webhook_id),
        spinner="Deleting…",
        done=f"Deleted webhook endpoint {webhook_id}.",
        record={"id": webhook_id, "deleted": True},
    )
