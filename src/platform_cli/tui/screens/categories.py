"""Product categories (``platform categories``) with their product counts; a category's
products in the detail, the products view filtered on it, and renaming it.

A category is the ``category`` of products (there is no category record in the API): it
exists while a product has it, so there is nothing to create or delete here; renaming it
moves every product in it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import BindingType

from platform_cli.tui.actions import ActionPlan, FormField, Values
from platform_cli.tui.format import money, quote, status_text
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import number, page_section, sections
from platform_cli.tui.screens.listing import PaletteItem, ResourceView, row_change
from platform_cli.tui.widgets.detail import facts, group
from platform_cli.tui.widgets.table import Column, Row


def _products(count: int) -> str:
    return f"{number(count)} product{'' if count == 1 else 's'}"


class CategoriesView(ResourceView):
    VIEW = "categories"
    DETAIL_TITLE = "Category"
    EMPTY_TEXT = "No categories (a category comes with the first product in it)."
    MUTATING = frozenset({"rename"})
    BINDINGS: ClassVar[list[BindingType]] = [
        key("g", "products", "Products", "The products view filtered on this category"),
        key("e", "rename", "Rename", "Every product in it moves to the new name (asks first)"),
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

    @row_change
    async def action_rename(self, row: Row) -> ActionPlan:
        name, count = row.key, row.values["product_count"]

        def merging(values: Values) -> Row | None:
            """The listed category the new name would merge into, if any."""
            new_name = values.get("new_name")
            return self.table.get(new_name) if new_name and new_name != name else None

        def summary(values: Values) -> str:
            new_name = values.get("new_name") or "NEW NAME"
            if new_name == name:
                return f"The name is still {name}: type the new one."
            text = (
                f"{_products(count)} of {name}, archived ones too, move to {new_name}; "
                "each is a product.updated event."
            )
            into = merging(values)
            if into is not None:
                text += (
                    f" {new_name} already has {_products(into.values['product_count'])}: "
                    "the two categories become one, which cannot be split again."
                )
            return text

        def command(values: Values) -> str:
            merge = " --merge" if merging(values) is not None else ""
            new_name = quote(values.get("new_name") or "NEW_NAME")
            return f"platform categories rename {quote(name)} {new_name}{merge} --yes"

        return ActionPlan(
            title=f"Rename category {name}",
            summary=summary,
            command=command,
            run=lambda values: self.client.categories.rename(
                name, values["new_name"], merge=merging(values) is not None or None
            ),
            done=lambda category: (
                f"{name} renamed {category.name}: {_products(category.product_count)}."
            ),
            fields=[FormField("new_name", "New name", default=name)],
            confirm_label="Rename",
        )

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        return [(f"Products in {row.key}", "g", self.action_products)], [
            (f"Rename {row.key}", "e — every product in it moves", self.action_rename)
        ]
