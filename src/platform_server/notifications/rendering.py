"""Rendering the notification templates (Jinja2) into subject, text, HTML and SMS bodies.

Each template ``name`` is a set of files in ``templates/``: ``name.subject.txt``,
``name.txt`` and ``name.html`` (email), and optionally ``name.sms.txt`` (a short SMS
body; templates without one are never sent by SMS). HTML is autoescaped; text is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, TemplateNotFound, select_autoescape

TEMPLATE_DIR = Path(__file__).parent / "templates"

# Which template an event type renders (to the user the event is about).
EVENT_TEMPLATES: dict[str, str] = {
    "user.created": "welcome",
    "order.created": "order_created",
    "order.paid": "order_paid",
    "order.shipped": "order_shipped",
    "order.refunded": "order_refunded",
}
# Account emails: queued by the auth domain, to one user.
ACCOUNT_TEMPLATES = ("verify_email", "registration_attempt", "password_reset", "invitation")
# Bodies holding a one-time token: never shown by the API (only the recipient's inbox has it).
SECRET_TEMPLATES = frozenset({"verify_email", "password_reset", "invitation"})
TEMPLATES = (*EVENT_TEMPLATES.values(), "webhook_disabled", "login_ceiling", *ACCOUNT_TEMPLATES)

SUBJECT_MAX = 255


def _order_ref(order: Any) -> str:
    """What a customer quotes: `#1001`. An event recorded before orders had numbers
    shows the whole id (the first block of a UUIDv7 is shared by a minute's orders)."""
    number = order.get("number") if isinstance(order, dict) else None
    return f"#{number}" if number else str(order.get("id") if isinstance(order, dict) else order)


def _when(value: Any) -> str:
    """An ISO 8601 time from the event data as ``2026-01-31 14:05 UTC``."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


_env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    # Templates ship with the package: no stat() of every file on every render.
    auto_reload=False,
)
_env.filters["order_ref"] = _order_ref
_env.filters["when"] = _when

# The store's name in greetings and signatures; set from the settings by the sender.
_store = {"name": "Platform"}


def configure(store_name: str) -> None:
    _store["name"] = store_name


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    sms: str | None


def render(template: str, context: dict[str, Any], *, sms: bool = True) -> Rendered:
    """Every body of one template (the SMS one only if `sms`); raises
    jinja2.TemplateError on a broken template."""
    values = {"store": _store["name"], **context}
    subject = " ".join(_env.get_template(f"{template}.subject.txt").render(values).split())
    sms_body = _render_sms(template, values) if sms else None
    return Rendered(
        subject=subject[:SUBJECT_MAX],
        text=_env.get_template(f"{template}.txt").render(values).strip() + "\n",
        html=_env.get_template(f"{template}.html").render(values),
        sms=sms_body,
    )


def _render_sms(template: str, values: dict[str, Any]) -> str | None:
    try:
        sms_template = _env.get_template(f"{template}.sms.txt")
    except TemplateNotFound:
        return None
    return " ".join(sms_template.render(values).split())
