"""Which event loops run where: the wiring of the events domain to its subscribers."""

from __future__ import annotations

from typing import Literal

from platform_server.core.database import Database
from platform_server.core.settings import Settings
from platform_server.events.api import deliver_to_subscribers
from platform_server.events.dispatcher import Dispatcher, Sender


def _senders(db: Database, settings: Settings) -> list[Sender]:
    # Importing the subscriber modules connects them to the events domain.
    from platform_server.notifications import subscriber as _notifications  # noqa: F401
    from platform_server.notifications.sender import NotificationSender
    from platform_server.webhooks import subscriber as _webhooks  # noqa: F401
    from platform_server.webhooks.sender import WebhookSender

    return [NotificationSender(db, settings), WebhookSender(db, settings)]


def build_dispatcher(
    db: Database, settings: Settings, role: Literal["api", "worker"]
) -> Dispatcher:
    """Embedded: an API process does everything. With a broker: API processes publish
    to it, and workers consume, plan and send."""
    if not settings.broker_url:
        if role == "worker":
            raise ValueError("`platform worker run` needs PLATFORM_BROKER_URL (amqp://...)")
        return Dispatcher(
            db,
            settings,
            publish=True,
            forward=deliver_to_subscribers,  # type: ignore[arg-type]
            senders=_senders(db, settings),
        )
    if role == "api":
        from platform_server.events.broker import BrokerPublisher

        publisher = BrokerPublisher(settings)
        dispatcher = Dispatcher(db, settings, publish=True, forward=publisher.forward, senders=[])
        dispatcher.on_stop(publisher.close)
        return dispatcher
    return Dispatcher(db, settings, publish=False, forward=None, senders=_senders(db, settings))
