"""What a person types to name a thing, checked before anything is sent and resolved
through the server's documented filters (never by listing everything).

- Any id argument takes a UUID; a malformed one is a usage error (exit 2) with the same
  message in every command (``ID_RULE``), raised while the arguments are parsed.
- An order also takes ``#1001`` (its number; bare digits shorter than 8 too) or the first
  8 or more characters of its id (``GET /orders?number=`` / ``?id_prefix=``).
- A product also takes its SKU (``GET /products?sku=``) or an id prefix.
- A payment also takes its reference (``#1001-P1``: order #1001's first attempt) and a
  refund its own (``#1001-R1``), found among that order's payments and their refunds.

A prefix that matches several things exits 2 listing them; one that matches nothing is
a not found (exit 5), like an unknown id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.params import arg

if TYPE_CHECKING:
    from platform_sdk import Client

ID_RULE = "an id is a UUID such as 0193a2f4-5b6c-7d8e-9f01-23456789abcd"
# An id's first 8 or more hex digits, as copied from a list (dashes where the id has them).
_PREFIX = re.compile(r"^(?:[0-9a-fA-F]-?){8,32}$")  # as the server's IdPrefix
_NUMBER = re.compile(r"^#?([0-9]{1,18})$")
# "#1001-P1": order #1001's first payment attempt; "#1001-R2": its second refund.
_PAYMENT_REFERENCE = re.compile(r"^#?([0-9]{1,18})-([PR])([0-9]{1,9})$", re.IGNORECASE)
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
# How many matches an ambiguous prefix lists.
_SHOWN = 5


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_prefix(value: str) -> bool:
    return len(value) <= 36 and bool(_PREFIX.match(value))


def check_id(value: str) -> str:
    """A Typer ``parser``: the value if it is a UUID, else a usage error (exit 2)."""
    value = value.strip()
    if not _is_uuid(value):
        raise typer.BadParameter(f"{value!r} is not an id: {ID_RULE}.")
    return value


def check_user(value: str) -> str:
    value = value.strip()
    if value != "me" and not _is_uuid(value):
        raise typer.BadParameter(f"{value!r} is not an id: {ID_RULE} (or `me`).")
    return value


def _order_number(value: str) -> int | None:
    """``#1001`` → 1001; bare digits count as a number below 8 digits (8 or more hex
    digits are an id prefix, which may be all digits)."""
    match = _NUMBER.match(value)
    if match is None or (not value.startswith("#") and len(value) >= 8):
        return None
    number = int(match.group(1))
    return number if number >= 1 else None


def check_order(value: str) -> str:
    value = value.strip()
    if _is_uuid(value) or _order_number(value) is not None or _is_prefix(value):
        return value
    raise typer.BadParameter(
        f"{value!r} is not an order: give its number (#1001), its id "
        f"or the first 8 or more characters of its id; {ID_RULE}."
    )


def check_product(value: str) -> str:
    value = value.strip()
    if _is_uuid(value) or _SKU.match(value):
        return value
    raise typer.BadParameter(
        f"{value!r} is not a product: give its SKU (letters, digits, '.', '_', '-'), "
        f"its id or the first 8 or more characters of its id; {ID_RULE}."
    )


def _reference_of(value: str, kind: str) -> str | None:
    """``#1001-P1`` in its canonical spelling when it names a `kind` ("P" or "R")."""
    match = _PAYMENT_REFERENCE.match(value)
    if match is None or match.group(2).upper() != kind:
        return None
    return f"#{int(match.group(1))}-{kind}{int(match.group(3))}"


def _reference_check(kind: str, what: str) -> Callable[[str], str]:
    """A Typer ``parser`` for a `what` named by its id or its reference (``#1001-P1``)."""

    def check(value: str) -> str:
        value = value.strip()
        if _is_uuid(value) or _reference_of(value, kind) is not None:
            return value
        raise typer.BadParameter(
            f"{value!r} is not a {what}: give its reference (#1001-{kind}1) or its id; {ID_RULE}."
        )

    return check


check_payment = _reference_check("P", "payment")
check_refund = _reference_check("R", "refund")


OrderRef = Annotated[
    str,
    arg(
        help="Order: #NUMBER (e.g. '#1001'), id, or the first 8+ characters of its id.",
        parser=check_order,
        metavar="ORDER",
    ),
]
ProductRef = Annotated[
    str,
    arg(
        help="Product: SKU, id, or the first 8+ characters of its id.",
        parser=check_product,
        metavar="PRODUCT",
    ),
]

PaymentRef = Annotated[
    str,
    arg(
        help="Payment: its reference (e.g. '#1001-P1') or id.",
        parser=check_payment,
        metavar="PAYMENT",
    ),
]
RefundRef = Annotated[
    str,
    arg(
        help="Refund: its reference (e.g. '#1001-R1') or id.", parser=check_refund, metavar="REFUND"
    ),
]


def _one(found: list[Any], what: str, given: str, label: Any) -> str:
    from platform_cli.errors import NotFound, UsageError

    if not found:
        raise NotFound(f"No {what} matches {given!r}.")
    if len(found) > 1:
        shown = [f"  {label(item)}" for item in found[:_SHOWN]]
        more = ["  …"] if len(found) > _SHOWN else []
        raise UsageError(
            f"{given!r} matches more than one {what}; give more of the id:", details=shown + more
        )
    return str(found[0].id)


def order_id(sdk: Client, ref: str) -> str:
    """The id of the order ``ref`` names (see ``check_order``)."""
    ref = check_order(ref)
    if _is_uuid(ref):
        return ref
    number = _order_number(ref)
    if number is not None:
        return str(sdk.orders.get_by_number(number).id)
    page = sdk.orders.list(id_prefix=ref, limit=_SHOWN + 1)
    return _one(
        list(page.data), "order", ref, lambda o: f"{o.id}  #{o.number}  {o.user_email}  {o.status}"
    )


def product_id(sdk: Client, ref: str) -> str:
    """The id of the product ``ref`` names: its SKU first, then an id prefix."""
    from platform_sdk import NotFoundError

    ref = check_product(ref)
    if _is_uuid(ref):
        return ref
    try:
        return str(sdk.products.get_by_sku(ref).id)
    except NotFoundError:
        if not _is_prefix(ref):
            raise
    page = sdk.products.list(id_prefix=ref, limit=_SHOWN + 1)
    return _one(list(page.data), "product", ref, lambda p: f"{p.id}  {p.sku}  {p.name}")


def _order_payments(sdk: Client, reference: str) -> Iterable[Any]:
    """The payments of the order a payment or refund reference names (a few per order)."""
    order_number = int(reference[1:].split("-")[0])
    order = sdk.orders.get_by_number(order_number)
    return sdk.orders.payments.list(order.id, limit=100)


def payment_id(sdk: Client, ref: str) -> str:
    """The id of the payment ``ref`` names (see ``check_payment``)."""
    from platform_cli.errors import NotFound

    reference = _reference_of(check_payment(ref), "P")
    if reference is None:
        return ref
    for payment in _order_payments(sdk, reference):
        if payment.reference == reference:
            return str(payment.id)
    raise NotFound(f"No payment matches {ref!r}.")


def refund_ids(sdk: Client, payment_ref: str, refund_ref: str) -> tuple[str, str]:
    """The ids of a payment and of its refund ``refund_ref`` (see ``check_refund``)."""
    from platform_cli.errors import NotFound

    paid = payment_id(sdk, payment_ref)
    reference = _reference_of(check_refund(refund_ref), "R")
    if reference is None:
        return paid, refund_ref
    for refund in sdk.payments.refunds.list(paid, limit=100):
        if refund.reference == reference:
            return paid, str(refund.id)
    raise NotFound(f"Payment {payment_ref} has no refund {refund_ref!r}.")
