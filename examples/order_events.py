"""An order, end to end through events: the live stream, a confirmation email, and a
signed webhook delivery to a local receiver that verifies it with the SDK.

Needs PLATFORM_BASE_URL, PLATFORM_EMAIL and PLATFORM_PASSWORD (an admin), and a server
that may call loopback addresses (start it with PLATFORM_WEBHOOKS_ALLOW_PRIVATE=true;
.ci/examples does). Exits non-zero when anything is missing.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from platform_sdk import Client, Event, WebhookVerificationError, webhooks


def start_receiver(secret_holder: dict[str, str], got: queue.Queue[dict[str, Any]]) -> str:
    """A loopback endpoint that verifies each delivery and keeps the events it accepts."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            try:
                event = webhooks.verify(body, dict(self.headers.items()), secret_holder["secret"])
            except WebhookVerificationError as error:
                self.send_response(400)
                self.end_headers()
                self.wfile.write(str(error).encode())
                return
            got.put(event)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hooks"


def wait_for(check: Callable[[], Any], what: str, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise SystemExit(f"FAILED: no {what} within {seconds:.0f} s")


def main() -> int:
    with Client() as client:
        client.auth.login(
            email=os.environ["PLATFORM_EMAIL"], password=os.environ["PLATFORM_PASSWORD"]
        )

        # 1. Follow the live stream in the background, as `platform events tail` does.
        streamed: queue.Queue[Event] = queue.Queue()

        def follow() -> None:
            for event in client.events.stream(type="order.created"):
                streamed.put(event)

        threading.Thread(target=follow, daemon=True).start()

        # 2. A webhook endpoint on a local receiver.
        secret: dict[str, str] = {}
        deliveries: queue.Queue[dict[str, Any]] = queue.Queue()
        url = start_receiver(secret, deliveries)
        endpoint = client.webhooks.create(
            url=url, events=["order.created"], description="examples/order_events.py"
        )
        secret["secret"] = endpoint.secret
        print(f"webhook endpoint {endpoint.id} -> {url}")

        try:
            # 3. Place an order.
            time.sleep(0.5)  # let the stream connect: it starts with what comes next
            product = next(iter(client.products.list(limit=1, in_stock=True)))
            order = client.orders.create(items=[{"product_id": product.id, "quantity": 1}])
            print(f"placed order {order.id} ({order.total} {order.currency})")

            # 4. The event, live on the stream and in the list.
            live = wait_for(lambda: _matching(streamed, order.id), "order.created on the stream")
            print(f"stream:   {live.type} at position {live.position} by {live.actor.email}")

            # 5. The signed webhook delivery, verified with platform_sdk.webhooks.verify.
            hook = wait_for(lambda: _matching_dict(deliveries, str(order.id)), "webhook delivery")
            print(f"webhook:  {hook['type']} for order {hook['data']['id']}, signature verified")

            # 6. The confirmation email (the console backend prints it in the server log).
            email = wait_for(
                lambda: [
                    n
                    for n in client.notifications.list(template="order_created", limit=50)
                    if n.event_id == live.id and n.status == "sent"
                ],
                "confirmation email",
            )[0]
            print(f"email:    {email.subject!r} to {email.recipient} ({email.status})")
        finally:
            client.webhooks.delete(endpoint.id)
    print("order events example passed")
    return 0


def _matching(events: queue.Queue[Event], order_id: uuid.UUID) -> Event | None:
    while not events.empty():
        event = events.get()
        if event.resource_id == str(order_id):
            return event
    return None


def _matching_dict(events: queue.Queue[dict[str, Any]], order_id: str) -> dict[str, Any] | None:
    while not events.empty():
        event = events.get()
        if event["data"]["id"] == order_id:
            return event
    return None


if __name__ == "__main__":
    sys.exit(main())
