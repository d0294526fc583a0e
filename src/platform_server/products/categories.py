"""Categories: the `category` of products (there is no category record), listed with
their product counts and renamed across every product at once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.errors import Conflict, NotFound
from platform_server.core.pagination import (
    Page,
    PageParams,
    bad_cursor,
    decode_cursor,
    encode_cursor,
)
from platform_server.core.principal import Principal
from platform_server.products import repository
from platform_server.products.schemas import CategoryOut, CategoryRename
from platform_server.products.service import announce_updated, sees_all


async def listed(
    session: AsyncSession, actor: Principal | None, page: PageParams
) -> Page[CategoryOut]:
    """Categories by name with their product counts (active products for customers)."""
    after = _category_cursor(page.cursor) if page.cursor else None
    rows = await repository.categories(session, not sees_all(actor), after, page.limit + 1)
    more = len(rows) > page.limit
    data = [CategoryOut(name=name, product_count=count) for name, count in rows[: page.limit]]
    return Page[CategoryOut](
        data=data, next_cursor=_encode_category(data[-1].name) if more and data else None
    )


def _encode_category(name: str) -> str:
    return encode_cursor(["c", name])


def _category_cursor(cursor: str) -> str:
    payload = decode_cursor(cursor)
    if len(payload) != 2 or payload[0] != "c" or not isinstance(payload[1], str):
        raise bad_cursor()
    return payload[1]


async def rename(session: AsyncSession, data: CategoryRename, actor: Principal) -> CategoryOut:
    """Moves every product of `data.name`, archived ones too, to `data.new_name`: each is
    a `product.updated` event, and the trail keeps one `category.rename`. Into a category
    that already has products only with `merge`: two categories made one cannot be told
    apart again."""
    products = await repository.in_category(session, data.name)
    if not products:
        raise NotFound(f"No product has the category {data.name!r}.")
    if data.new_name == data.name:
        return CategoryOut(name=data.name, product_count=len(products))  # nothing to move
    if not data.merge and await repository.known_categories(session, [data.new_name]):
        raise Conflict(
            f"The category {data.new_name!r} already has products; merge to move these "
            "into it too.",
            errors=[{"loc": ["body", "new_name"], "msg": "already has products"}],
        )
    for product in products:
        product.category = data.new_name
    await repository.flush(session)
    await announce_updated(session, products)
    changes = {
        **audit.diff({"name": data.name}, {"name": data.new_name}),
        "products": len(products),
    }
    await audit.record(
        session, "category.rename", actor=actor, target_type="category", changes=changes
    )
    count = await repository.count_in_category(session, data.new_name)
    return CategoryOut(name=data.new_name, product_count=count)
