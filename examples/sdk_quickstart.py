"""Tour of the synchronous SDK against a live server.

Needs PLATFORM_BASE_URL, PLATFORM_EMAIL and PLATFORM_PASSWORD (an admin).
Exits non-zero when anything fails.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from decimal import Decimal
from pathlib import Path

from platform_sdk import Client, NotFoundError, PlatformError


def main() -> int:
    email, password = os.environ["PLATFORM_EMAIL"], os.environ["PLATFORM_PASSWORD"]
    run = uuid.uuid4().hex[:8]
    with Client() as client:
        client.auth.login(email=email, password=password)
        me = client.users.me()
        print(f"signed in as {me.email} ({me.role}) at {client.base_url}")

        created = [
            client.users.create(
                email=f"quickstart-{run}-{i}@example.com",
                password="mossy-lighthouse-81",
                name=f"User {i}",
            )
            for i in range(5)
        ]
        print(f"created {len(created)} users")

        page = client.users.list(limit=2, q=f"quickstart-{run}")
        pages = list(page.iter_pages())
        listed = [user.email for user in client.users.list(limit=2, q=f"quickstart-{run}")]
        print(f"listed {len(listed)} users over {len(pages)} pages of 2")
        if len(listed) != len(created) or len(pages) < 3:
            raise SystemExit("pagination did not return every created user")

        key = client.api_keys.create(name=f"quickstart-{run}")
        with Client(api_key=key.key) as by_key:
            print(f"API key {key.prefix}… authenticates as {by_key.users.me().email}")
        client.api_keys.revoke(key.id)

        try:
            client.users.get(uuid.uuid4())
        except NotFoundError as error:
            print(f"as expected: {error}")
        else:
            raise SystemExit("a random id was found")

        for user in created:
            client.users.delete(user.id)

        commerce(client, run)
        client.auth.logout()
    print("ok")
    return 0


def commerce(client: Client, run: str) -> None:
    """A product, an order of it, a payment, its invoice as a PDF, then a refund and its
    credit note."""
    product = client.products.create(
        sku=f"QS-{run}",
        name=f"Quickstart mug {run}",
        price=Decimal("12.50"),
        category=f"quickstart-{run}",
        stock=5,
    )
    order = client.orders.create(items=[{"product_id": product.id, "quantity": 2}])
    print(f"order {order.id}: {order.total} {order.currency}, {order.status}")

    payment = client.orders.payments.create(order.id, payment_method="pm_card_ok")
    invoice = client.orders.invoice(order.id)
    pdf = Path(tempfile.gettempdir()) / f"{invoice.number}.pdf"
    saved = client.orders.download_invoice(order.id, pdf)  # the stored PDF, streamed
    print(f"paid {payment.amount}; invoice {invoice.number} saved to {pdf} ({saved.size_bytes} B)")

    refund = client.payments.refunds.create(payment.id, reason="quickstart")
    note = client.payments.refunds.credit_note(payment.id, refund.id)
    status = client.orders.get(order.id).status
    print(f"refunded {refund.amount} (credit note {note.number}); order is {status}")
    if status != "refunded" or refund.amount != order.total:
        raise SystemExit("the full refund did not go through")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PlatformError as error:
        print(f"failed: {error}", file=sys.stderr)
        sys.exit(1)
