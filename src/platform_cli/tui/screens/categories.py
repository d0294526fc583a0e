"""Product categories (``platform categories``) with their product counts; a category's
products in the detail, and the products view filtered on it.

A category is the ``category`` of products (there is no category record in the API): it
exists while a product has it, so there is nothing to create, rename or delete here.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import BindingType

from platform_cli.tui.format import money, quote, status_text
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import number, page_section, sections
from platform_cli.tui.screens.listing import PaletteItem, ResourceView
from platform_cli.tui.widgets.detail import facts, group
from platform_cli.tui.widgets.table import Column, Row


class CategoriesView(ResourceView):
    VIEW = "categories"
    DETAIL_TITLE = "Category"
    EMPTY_TEXT = "No categories (a category comes with the first product in it)."
    BINDINGS: ClassVar[list[BindingType]] = [
        key("g", "products", "Products", "The products view filtered on this category")
    ]

    def columns(self) -> list[Column]:
        return [
            Column("name", "NAME", 0, min_width=16),
            Column("product_count", "PRODUCTS", 8, align="right", render=number),
        ]

    def list_params(self) -> dict[str, Any]:
        return {}  # the API has no filters for categories

    def to_row(self, item: Any) -> Row:
        # A category is known by its name: it is the row's key.
        return Row(item.name, {"name": item.name, "product_count": item.product_count})

    async def fetch_one(self, key: str) -> Any | None:
        return None

    async def detail(self, row: Row) -> RenderableType:
        name = row.key
        results = await sections(products=self.client.products.list(category=name, limit=10))
        products = results["products"]
        return group(
            Text(name, style="bold"),
            facts(
                [
                    ("Products", number(row.values["product_count"])),
                    ("Listed by", f"platform products list --category {quote(name)}"),
                ]
            ),
            *page_section(
                "Products",
                products,
                ["SKU", "NAME", "PRICE", "STATUS"],
                lambda p: (p.sku, p.name, money(p.price, p.currency), status_text(p.status)),
                empty="none",
            ),
            Text("\ng the products view on this category", style="dim"),
        )

    def action_products(self) -> None:
        row = self.current_row()
        if row is not None:
            self.platform.open_view("products", f"category:{quote(row.key)}", push=True)

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        return [(f"Products in {row.key}", "g", self.action_products)], []
