"""Products with their stock: server-side search and sorting (name, price, created); detail
with inventory and its ledger; adjust stock, archive."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import BindingType

from platform_cli.tui.actions import ActionPlan, FormField, Values
from platform_cli.tui.filters import FilterKey, FilterSpec, bool_value
from platform_cli.tui.format import DASH, field, money, quote, status_text, timestamp
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import failed, number, page_section, sections, status
from platform_cli.tui.screens.listing import PaletteItem, ResourceView, row_change
from platform_cli.tui.widgets.detail import facts, group, rows_table, section
from platform_cli.tui.widgets.table import Column, Row


def stock(value: Any) -> Text:
    if value is None:
        return Text(DASH, style="dim")
    return Text(f"{value:,}", style="bold red" if value <= 0 else "")


def size_text(size: int) -> str:
    """Bytes as a person reads them (1.2 MB)."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1000 or unit == "MB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1000
    return f"{size:,} B"


def image_section(images: list[Any]) -> list[RenderableType]:
    """The product's pictures: name, size and dimensions, the primary one marked."""
    rows = [
        (
            ("★ " if image.is_primary else "  ") + image.filename,
            size_text(image.size_bytes),
            f"{image.width} x {image.height}",
            image.content_type.removeprefix("image/").upper(),
        )
        for image in images
    ]
    table = rows_table(["NAME", "SIZE", "DIMENSIONS", "TYPE"], rows, empty="none")
    return [section("Images", len(images)), table]


class ProductsView(ResourceView):
    VIEW = "products"
    FIELDS = ("sku", "name", "category", "price", "currency", "status", "created_at")
    SERVER_SORT: ClassVar[dict[str, str]] = {
        "name": "name",
        "price": "price",
        "created_at": "created_at",
    }
    FILTERS = FilterSpec(
        keys=(
            FilterKey("status", "status", ("active", "archived"), help="product status"),
            FilterKey("category", "category", help="category name"),
            FilterKey(
                "stock", "in_stock", ("yes", "no"), convert=bool_value, bare=False, help="in stock"
            ),
            FilterKey("q", "q", help="full-text search in name, description and SKU"),
        ),
        text_key="q",
    )
    MUTATING = frozenset({"adjust", "archive"})
    BINDINGS: ClassVar[list[BindingType]] = [
        key("a", "adjust", "Adjust stock", "Add or remove units, with a reason"),
        key("A", "archive", "Archive", "Archive: hidden from customers (asks first)"),
        key("e", "events", "Events", "Events of this product"),
    ]

    def __init__(self, filter_text: str = "", *, select: str | None = None) -> None:
        super().__init__(filter_text, select=select)
        self._emails: dict[str, str] = {}

    def columns(self) -> list[Column]:
        return [
            Column("sku", "SKU", 14),
            Column("name", "NAME", 0, min_width=14),
            Column("category", "CATEGORY", 10),
            Column("price", "PRICE", 9, align="right", render=lambda v: money(v)),
            Column("status", "STATUS", 8, render=status),
            Column("on_hand", "ON HAND", 7, align="right", render=stock),
            Column("available", "AVAIL", 6, align="right", render=stock),
        ]

    def list_params(self) -> dict[str, Any]:
        return {"sort": self.server_sort, **self.filter.params}

    def row_values(self, product: Any) -> dict[str, Any]:
        inventory = product.inventory
        stock = ("on_hand", "reserved", "available", "low_stock_threshold")
        return {name: field(inventory, name) for name in stock}

    async def detail(self, row: Row) -> RenderableType:
        client = self.client
        results = await sections(
            product=client.products.get(row.key),
            inventory=client.products.inventory.get(row.key),
            ledger=client.products.inventory.ledger(row.key, limit=10),
        )
        product = self.checked(results["product"], what="Loading the product")
        inventory = results["inventory"]
        ledger = results["ledger"]
        by = {} if isinstance(ledger, BaseException) else await self.emails(ledger.data)
        if not isinstance(inventory, BaseException):
            product.inventory = inventory
        self.table.update_row(self.to_row(product))
        attributes = ", ".join(f"{k}={v}" for k, v in (product.attributes or {}).items())
        parts: list[RenderableType] = [
            Text.assemble((product.name, "bold"), "  ", status_text(product.status)),
            facts(
                [
                    ("SKU", product.sku),
                    ("Id", str(product.id)),
                    ("Price", money(product.price, product.currency)),
                    ("Category", product.category),
                    ("Attributes", attributes),
                    ("Created", timestamp(product.created_at)),
                    ("Updated", timestamp(product.updated_at)),
                ]
            ),
            Text(product.description or "", style="italic"),
            section("Inventory"),
            failed(inventory)
            or facts(
                [
                    ("On hand", number(inventory.on_hand)),
                    ("Reserved", number(inventory.reserved)),
                    ("Available", stock(inventory.available)),
                    ("Low-stock level", number(inventory.low_stock_threshold)),
                    ("Updated", timestamp(inventory.updated_at)),
                ]
            ),
            *image_section(product.images),
            *page_section(
                "Stock ledger",
                ledger,
                ["WHEN", "CHANGE", "ON HAND", "KIND", "BY", "REASON"],
                lambda m: (
                    timestamp(m.created_at),
                    Text(f"{m.delta:+,}", style="green" if m.delta > 0 else "red"),
                    number(m.on_hand_after),
                    m.kind,
                    by.get(str(m.actor_id), DASH) if m.actor_id else "system",
                    m.reason,
                ),
            ),
            Text("\na adjust stock · A archive · e events", style="dim"),
        ]
        return group(*parts)

    async def emails(self, movements: list[Any]) -> dict[str, str]:
        """Who made the movements, by email (looked up once per user for this view)."""
        wanted = {str(m.actor_id) for m in movements if m.actor_id} - self._emails.keys()
        if wanted:
            from platform_sdk import NotFoundError

            found = await sections(**{i: self.client.users.get(i) for i in wanted})
            for user_id, user in found.items():
                if isinstance(user, NotFoundError):
                    self._emails[user_id] = "a deleted user"  # never the bare UUID
                elif not isinstance(user, BaseException):
                    self._emails[user_id] = user.email
                # Another error (the server away): a dash now, asked again next time.
        return self._emails

    # -- jumps -------------------------------------------------------------------------------------

    def action_events(self) -> None:
        self.open_related("events", "resource")

    # -- actions -----------------------------------------------------------------------------------

    @row_change
    async def action_adjust(self, row: Row) -> ActionPlan:
        product_id = row.key
        v = row.values
        on_hand, reserved = v.get("on_hand"), v.get("reserved")

        def summary(values: Values) -> str:
            delta = values.get("delta")
            name = f"{v['sku']} ({v['name']})"
            if not isinstance(delta, int) or on_hand is None:
                return f"Units on hand of {name} change by DELTA, recorded in the stock ledger."
            after = on_hand + delta
            text = (
                f"Units on hand of {name} go from {on_hand:,} to {after:,} ({delta:+,}), "
                f"recorded in the stock ledger"
            )
            if values.get("reason"):
                text += f' with the reason "{values["reason"]}"'
            text += "."
            if reserved is not None:
                text += f" {reserved:,} reserved by orders; available becomes {after - reserved:,}."
                if after < reserved:
                    text += " That is below what orders reserve: the server will refuse."
            return text

        def command(values: Values) -> str:
            delta = values.get("delta")
            reason = quote(values.get("reason") or "REASON")
            shown = delta if isinstance(delta, int) else "DELTA"
            return (
                f"platform products inventory adjust {product_id} --delta={shown} --reason {reason}"
            )

        return ActionPlan(
            title=f"Adjust stock of {v['sku']}",
            summary=summary,
            command=command,
            run=lambda values: self.client.products.inventory.adjust(
                product_id, delta=values["delta"], reason=values["reason"]
            ),
            done=lambda inv: f"{v['sku']}: {inv.on_hand:,} on hand, {inv.available:,} available.",
            fields=[
                FormField(
                    "delta",
                    "Units to add (negative removes)",
                    kind="int",
                    nonzero=True,
                    placeholder="+20 or -3",
                ),
                FormField("reason", "Reason (kept in the ledger)", placeholder="restock"),
            ],
            confirm_label="Adjust",
            danger=False,
        )

    @row_change
    async def action_archive(self, row: Row) -> ActionPlan | None:
        product_id, v = row.key, row.values
        if v["status"] == "archived":
            self.notify(f"{v['sku']} is already archived.", severity="warning")
            return None
        return ActionPlan(
            title=f"Archive {v['sku']}",
            summary=lambda values: (
                f"Product {v['sku']} ({v['name']}) is archived: customers no longer see it "
                "and it cannot be ordered; orders placed already are unchanged. "
                "Undo with `platform products update ID --status active`."
            ),
            command=lambda values: f"platform products archive {product_id}",
            run=lambda values: self.client.products.update(product_id, status="archived"),
            done=lambda product: f"{product.sku} is now {product.status}.",
            confirm_label="Archive",
        )

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        sku = row.values["sku"]
        return (
            [(f"Events of {sku}", "e", self.action_events)],
            [
                (f"Adjust stock of {sku}", "a — delta and reason", self.action_adjust),
                (f"Archive {sku}", "A — asks first", self.action_archive),
            ],
        )
