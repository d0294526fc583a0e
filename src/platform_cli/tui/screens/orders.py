"""Orders: filter by status, buyer or email; detail with items, payments, history and events;
cancel, fulfil, ship, deliver and refund."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any, ClassVar, get_args

from rich.console import RenderableType
from rich.text import Text
from textual.binding import BindingType

from platform_cli.commands.orders.options import OrderStatus
from platform_cli.tui.actions import ActionPlan, FormField, Values
from platform_cli.tui.filters import (
    FilterKey,
    FilterSpec,
    created_between,
    order_number,
    uuid_value,
)
from platform_cli.tui.format import (
    describe_error,
    field,
    money,
    order_ref,
    quote,
    short_id,
    status_text,
    timestamp,
)
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import failed, page_section, sections, status, when
from platform_cli.tui.screens.listing import PaletteItem, ResourceView, row_change
from platform_cli.tui.widgets.detail import facts, group, rows_table, section
from platform_cli.tui.widgets.table import Column, Row

ORDER_STATUSES: tuple[str, ...] = get_args(OrderStatus)
CANCELLABLE = {"pending", "paid", "fulfilled"}


def invoice_state(invoice: Any) -> str:
    """Whether the order's invoice is issued: its number and when, or why not."""
    from platform_sdk.errors import ConflictError

    if isinstance(invoice, ConflictError):
        return "not issued (issued when the order is paid)"
    if isinstance(invoice, BaseException):
        return f"unknown ({describe_error(invoice)})"
    return f"{invoice.number}, issued {timestamp(invoice.issued_at)}"


def address_line(address: Any) -> str | None:
    if not address:
        return None
    parts = [
        field(address, k)
        for k in ("name", "line1", "line2", "postal_code", "city", "region", "country")
    ]
    return ", ".join(str(p) for p in parts if p)


class OrdersView(ResourceView):
    VIEW = "orders"
    FIELDS = ("created_at", "number", "user_email", "status", "total", "currency")
    FILTERS = FilterSpec(
        keys=(
            FilterKey("status", "status", ORDER_STATUSES, help="order status"),
            FilterKey("user", "user_id", convert=uuid_value, help="the buyer's user id"),
            FilterKey("number", "number", convert=order_number, help="the order's number (#1001)"),
            FilterKey("q", "q", help="an order id or part of the buyer's email"),
            *created_between(),
        ),
        text_key="q",
    )
    MUTATING = frozenset({"cancel", "fulfil", "ship", "deliver", "refund"})
    BINDINGS: ClassVar[list[BindingType]] = [
        key("u", "customer", "Customer", "Open the buyer (then o: their orders)"),
        key("x", "cancel", "Cancel", "Cancel the order; a paid one is refunded (asks first)"),
        key("f", "fulfil", "Fulfil", "Mark a paid order fulfilled (asks first)"),
        key("h", "ship", "Ship", "Mark shipped with carrier and tracking number"),
        key("d", "deliver", "Deliver", "Mark a shipped order delivered (asks first)"),
        key("R", "refund", "Refund", "Refund an amount of the payment"),
    ]

    def columns(self) -> list[Column]:
        now = self.platform.now
        return [
            Column("created_at", "CREATED", 8, render=when(now)),
            Column("number", "ORDER", 8, render=lambda v: Text(order_ref(v), style="bold")),
            Column("user_email", "CUSTOMER", 0, min_width=16),
            Column("status", "STATUS", 9, render=status),
            Column("items", "ITEMS", 5, align="right"),
            Column("total", "TOTAL", 10, align="right", render=lambda v: money(v)),
            Column("currency", "CUR", 3, sortable=False),
        ]

    def row_values(self, order: Any) -> dict[str, Any]:
        return {
            "id": str(order.id),
            "user_id": str(order.user_id),
            "items": sum(item.quantity for item in order.items),
        }

    async def _refunds(self, payments: Any) -> Any:
        """The refunds of the order's payments (a cancel's included) with their credit
        notes, as one page; only payments with something refunded are asked."""
        if failed(payments) is not None:
            return payments
        refunded = [p for p in payments.data if Decimal(p.refunded_amount) > 0]
        found = await sections(
            **{str(p.id): self.client.payments.refunds.list(p.id, limit=50) for p in refunded}
        )
        for page in found.values():
            if failed(page) is not None:
                return page
        merged = [r for page in found.values() for r in page.data]
        return SimpleNamespace(data=sorted(merged, key=lambda r: r.created_at, reverse=True))

    @staticmethod
    def _refund_section(refunds: Any) -> list[RenderableType]:
        """Each refund by its reference with its credit note; no section when none."""
        if failed(refunds) is None and not refunds.data:
            return []
        return page_section(
            "Refunds",
            refunds,
            ["REFUND", "AMOUNT", "REASON", "CREDIT NOTE", "WHEN"],
            lambda r: (
                r.reference or short_id(r.id),
                money(r.amount, r.currency),
                r.reason,
                r.credit_note_number,
                timestamp(r.created_at),
            ),
        )

    async def detail(self, row: Row) -> RenderableType:
        client = self.client
        key = row.key
        results = await sections(
            order=client.orders.get(key),
            payments=client.orders.payments.list(key, limit=20),
            history=client.orders.history(key, limit=50),
            events=client.events.list(resource_id=key, limit=20),
            invoice=client.orders.invoice(key),
        )
        order = self.checked(results["order"], what="Loading the order")
        refunds = await self._refunds(results["payments"])
        self.table.update_row(self.to_row(order))
        now = self.platform.now()
        parts: list[RenderableType] = [
            Text.assemble(
                ("Order ", "bold"),
                (order_ref(order.number, order.id), "bold"),
                "  ",
                status_text(order.status),
                (f"  {order.id}", "dim"),
            ),
            facts(
                [
                    ("Customer", f"{order.user_email}  ({short_id(order.user_id)})"),
                    ("Total", money(order.total, order.currency)),
                    (
                        "Created",
                        f"{timestamp(order.created_at)}  ({self._ago(order.created_at, now)})",
                    ),
                    ("Updated", timestamp(order.updated_at)),
                    ("Expires", timestamp(order.expires_at) if order.status == "pending" else None),
                    ("Carrier", order.carrier),
                    ("Tracking", order.tracking_number),
                    ("Ship to", address_line(order.shipping_address)),
                    ("Invoice", invoice_state(results["invoice"])),
                ]
            ),
            section("Items", len(order.items)),
            rows_table(
                ["SKU", "NAME", "QTY", "PRICE", "SUBTOTAL"],
                [
                    (i.sku, i.name, i.quantity, money(i.price), money(i.subtotal))
                    for i in order.items
                ],
            ),
            *page_section(
                "Payments",
                results["payments"],
                ["PAYMENT", "STATUS", "AMOUNT", "REFUNDED", "METHOD", "WHEN"],
                lambda p: (
                    p.reference or short_id(p.id),
                    status_text(p.status),
                    money(p.amount, p.currency),
                    money(p.refunded_amount),
                    p.payment_method + (f" ({p.failure_code})" if p.failure_code else ""),
                    timestamp(p.created_at),
                ),
                empty="no payment yet",
            ),
            *self._refund_section(refunds),
            *page_section(
                "History",
                results["history"],
                ["WHEN", "CHANGE", "NOTE"],
                lambda h: (
                    timestamp(h.created_at),
                    f"{h.from_status or '∅'} → {h.to_status}",
                    h.note,
                ),
            ),
            *page_section(
                "Events",
                results["events"],
                ["WHEN", "TYPE", "BY"],
                lambda e: (timestamp(e.created_at), e.type, e.actor.email if e.actor else "system"),
            ),
            Text("\nu customer · x cancel · f fulfil · h ship · d deliver · R refund", style="dim"),
        ]
        return group(*parts)

    @staticmethod
    def _ago(value: Any, now: Any) -> str:
        from platform_cli.tui.format import ago

        return ago(value, now)

    # -- jumps ------------------------------------------------------------------------------------

    def action_customer(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self.platform.open_view(
            "users", f"q:{quote(row.values['user_email'])}", select=row.values["user_id"], push=True
        )

    # -- actions ----------------------------------------------------------------------------------

    def _describe(self, row: Row) -> str:
        v = row.values
        total = money(v["total"], v["currency"])
        return f"order {self._ref(row)} ({v['user_email']}, {total}, {v['status']})"

    @staticmethod
    def _ref(row: Row) -> str:
        return order_ref(row.values.get("number"), row.key)

    @row_change
    async def action_cancel(self, row: Row) -> ActionPlan:
        v = row.values
        order_id = row.key

        def summary(values: Values) -> str:
            text = (
                f"The {self._describe(row)} becomes cancelled and its reserved stock is released."
            )
            if v["status"] in {"paid", "fulfilled"}:
                text += f" Its payment of {money(v['total'], v['currency'])} is refunded in full."
            if v["status"] not in CANCELLABLE:
                text += f" (A {v['status']} order cannot be cancelled: the server will refuse.)"
            if values.get("note"):
                text += f' The history notes: "{values["note"]}".'
            return text

        def command(values: Values) -> str:
            note = f" --note {quote(values['note'])}" if values.get("note") else ""
            return f"platform orders cancel {order_id}{note} --yes"

        return ActionPlan(
            title=f"Cancel order {self._ref(row)}",
            summary=summary,
            command=command,
            run=lambda values: self.client.orders.cancel(order_id, note=values.get("note") or None),
            done=self._now(order_id),
            fields=[FormField("note", "Note (kept in the history, optional)", required=False)],
            confirm_label="Cancel order",
        )

    @staticmethod
    def _now(order_id: str) -> Any:
        """The ``done`` message of a status change."""
        return lambda order: f"Order {order_ref(order.number, order_id)} is now {order.status}."

    def _mark(self, verb: str, title: str, change: str, confirm_label: str) -> None:
        """A status change that asks for nothing (``platform orders <verb> ID``): ``title`` and
        ``change`` (after "is marked") are formatted with ``order`` and ``units``."""

        async def build(row: Row) -> ActionPlan:
            order_id = row.key
            words = {"order": self._ref(row), "units": row.values["items"]}
            return ActionPlan(
                title=title.format(**words),
                summary=lambda values: (
                    f"The {self._describe(row)} is marked " + change.format(**words)
                ),
                command=lambda values: f"platform orders {verb} {order_id}",
                run=lambda values: getattr(self.client.orders, verb)(order_id),
                done=self._now(order_id),
                confirm_label=confirm_label,
                danger=False,
            )

        self.row_action(build)

    def action_fulfil(self) -> None:
        self._mark(
            "fulfill",
            "Fulfil order {order}",
            "fulfilled (paid → fulfilled); its {units} unit(s) leave stock.",
            "Fulfil",
        )

    @row_change
    async def action_ship(self, row: Row) -> ActionPlan:
        order_id = row.key

        def summary(values: Values) -> str:
            carrier = values.get("carrier") or "CARRIER"
            tracking = values.get("tracking_number") or "NUMBER"
            return (
                f"The {self._describe(row)} is marked shipped (fulfilled → shipped) "
                f"with {carrier}, tracking number {tracking}; the buyer is told."
            )

        def command(values: Values) -> str:
            carrier = quote(values.get("carrier") or "CARRIER")
            tracking = quote(values.get("tracking_number") or "NUMBER")
            return (
                f"platform orders ship {order_id} --carrier {carrier} --tracking-number {tracking}"
            )

        return ActionPlan(
            title=f"Ship order {self._ref(row)}",
            summary=summary,
            command=command,
            run=lambda values: self.client.orders.ship(
                order_id, carrier=values["carrier"], tracking_number=values["tracking_number"]
            ),
            done=lambda order: (
                f"Order {order_ref(order.number, order_id)} is now {order.status} "
                f"({order.carrier} {order.tracking_number})."
            ),
            fields=[
                FormField("carrier", "Carrier", placeholder="DHL"),
                FormField("tracking_number", "Tracking number", placeholder="1Z999AA10123456784"),
            ],
            confirm_label="Ship",
            danger=False,
        )

    def action_deliver(self) -> None:
        self._mark(
            "deliver",
            "Mark order {order} delivered",
            "delivered (shipped → delivered).",
            "Delivered",
        )

    @row_change
    async def action_refund(self, row: Row) -> ActionPlan | None:
        order_id = row.key
        page = await self.sdk(
            self.client.orders.payments.list(order_id, limit=100), what="Finding the payment"
        )
        payment = next(
            (
                p
                for p in page.data
                if p.status == "succeeded" and Decimal(p.amount) > Decimal(p.refunded_amount)
            ),
            None,
        )
        if payment is None:
            self.notify(
                f"Order {self._ref(row)} has no payment left to refund.", severity="warning"
            )
            return None
        left = Decimal(payment.amount) - Decimal(payment.refunded_amount)
        currency = payment.currency

        def summary(values: Values) -> str:
            amount = values.get("amount")
            shown = money(amount, currency) if isinstance(amount, Decimal) else "AMOUNT"
            text = (
                f"Refund {shown} of payment {payment.reference or short_id(payment.id)} "
                f"on the {self._describe(row)}: "
                f"captured {money(payment.amount, currency)}, refunded so far "
                f"{money(payment.refunded_amount, currency)}, {money(left, currency)} left."
            )
            if isinstance(amount, Decimal) and amount == left:
                text += " This refunds everything left: the order becomes refunded."
            if values.get("reason"):
                text += f' Reason: "{values["reason"]}".'
            return text

        def command(values: Values) -> str:
            amount = values.get("amount")
            reason = f" --reason {quote(values['reason'])}" if values.get("reason") else ""
            return (
                f"platform payments refund {quote(payment.reference or str(payment.id))} "
                f"--amount {amount or 'AMOUNT'}{reason} --yes"
            )

        return ActionPlan(
            title=f"Refund order {self._ref(row)}",
            summary=summary,
            command=command,
            run=lambda values: self.client.payments.refunds.create(
                payment.id, amount=values["amount"], reason=values.get("reason") or None
            ),
            done=lambda refund: (
                f"Refunded {money(refund.amount, refund.currency)} on order {self._ref(row)}."
            ),
            fields=[
                FormField(
                    "amount",
                    f"Amount ({currency}, at most {left})",
                    kind="decimal",
                    default=str(left),
                    minimum=Decimal("0.01"),
                    maximum=left,
                ),
                FormField("reason", "Reason (optional)", required=False),
            ],
            confirm_label="Refund",
        )

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        name = self._ref(row)
        jumps = [
            (f"Customer of order {name}", "Open the buyer in the users view", self.action_customer)
        ]
        changes = [
            (f"Cancel order {name}", "x — asks first", self.action_cancel),
            (f"Fulfil order {name}", "f — asks first", self.action_fulfil),
            (f"Ship order {name}", "h — carrier and tracking number", self.action_ship),
            (f"Mark order {name} delivered", "d — asks first", self.action_deliver),
            (f"Refund order {name}", "R — amount and reason", self.action_refund),
        ]
        return jumps, changes
