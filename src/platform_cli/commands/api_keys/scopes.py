"""The scopes an API key may have, and the checklist `api-keys create` shows on a terminal.

The names are the server's permissions (`tests/cli/test_api_key_scopes.py` checks they
agree); a key gets at most its owner's, and the server says which ones are beyond them.
"""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "account:read": "read your own account and profile",
    "account:write": "change your account, profile and API keys",
    "users:read": "read every user (staff)",
    "users:write": "create, change and delete users (admin)",
    "orders:write": "place, pay and cancel your orders; read them",
    "orders:manage": "everyone's orders: fulfil, ship, deliver, refund (staff)",
    "catalog:write": "create, change and delete products (staff)",
    "inventory:write": "adjust stock (staff)",
    "events:read": "read the event stream (staff)",
    "notifications:manage": "everyone's notifications; retry them (staff)",
    "webhooks:manage": "webhook endpoints and their deliveries (admin)",
    "audit:read": "the audit trail (admin)",
    "stats:read": "the dashboard's figures (staff)",
}
# What the server grants when no scope is named: reading only.
READ_ONLY = tuple(name for name in SCOPES if name.endswith(":read"))


def parse_choice(text: str, names: list[str]) -> list[str] | None:
    """``1,3 5`` → those scopes; empty → read-only (``[]`` means: let the server choose);
    ``all`` → every one; None when something is not a listed number."""
    text = text.strip().lower()
    if not text:
        return []
    if text == "all":
        return list(names)
    chosen: list[str] = []
    for part in text.replace(",", " ").split():
        if not part.isdigit() or not 1 <= int(part) <= len(names):
            return None
        name = names[int(part) - 1]
        if name not in chosen:
            chosen.append(name)
    return chosen


def ask() -> list[str] | None:
    """The numbered checklist on stderr; the scopes picked, or None for the read-only
    default (the server's)."""
    import typer
    from rich.console import Console
    from rich.table import Table

    names = list(SCOPES)
    table = Table(show_header=False, box=None, pad_edge=False)
    for number, name in enumerate(names, 1):
        mark = "[green]●[/green]" if name in READ_ONLY else " "
        table.add_row(f"{number:>2}", mark, name, f"[dim]{SCOPES[name]}[/dim]")
    console = Console(stderr=True)
    console.print("Scopes to grant (● read-only: the default):")
    console.print(table)
    while True:
        answer = typer.prompt(
            "Numbers separated by commas, 'all', or Enter for read-only",
            default="",
            show_default=False,
            err=True,
        )
        chosen = parse_choice(str(answer), names)
        if chosen is not None:
            return chosen or None
        console.print(f"[red]Give numbers from 1 to {len(names)}, 'all', or nothing.[/red]")
