"""The server's package boundaries, checked on the source.

A domain package owns its tables, its repository and its service. Another domain may
use it only through its public interface, ``platform_server.<domain>.api``: typed
functions and values, never ORM objects. Shared plumbing (``core`` and the small named
packages in ``SHARED``) imports no domain at all, so it can never reach up into one.
Top-level modules (``app.py``, the demo data, the entry points) compose the domains and
may import anything.

Type-only imports count too: a type that crosses a domain line is part of the owner's
public interface.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import platform_server

SERVER = Path(platform_server.__file__).parent
# Plumbing every domain may use; it imports no domain.
SHARED = {"cache", "core", "delivery", "gateway", "observability", "storage", "tracing"}
# Alembic's scripts load every domain's models to compare them with the schema.
NOT_CHECKED = {"migrations"}
PACKAGES = sorted(
    p.name
    for p in SERVER.iterdir()
    if (p / "__init__.py").exists() or (p.is_dir() and any(p.glob("*.py")))
)
DOMAINS = sorted(set(PACKAGES) - SHARED - NOT_CHECKED)


def imported_modules(source: str) -> list[str]:
    """Every `platform_server…` module a source file imports, `from X import y` giving
    `X.y` (so `from platform_server.orders import api` reads `platform_server.orders.api`)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [m for m in found if m.startswith("platform_server.")]


def boundary_offences(package: str, source: str) -> list[str]:
    """What a module of `package` imports that it may not."""
    offences = []
    for module in imported_modules(source):
        parts = module.split(".")
        target = parts[1]
        if target == package or target not in DOMAINS:
            continue  # its own package, shared plumbing, or a top-level module name
        if package in SHARED:
            offences.append(f"imports the domain module {module}")
        elif parts[:3] != ["platform_server", target, "api"]:
            offences.append(f"imports {module}; use platform_server.{target}.api")
    return offences


def test_the_packages_are_classified() -> None:
    assert {"core", "products", "inventory", "orders", "payments", "users"} <= set(PACKAGES)
    assert set(PACKAGES) >= SHARED


@pytest.mark.parametrize("package", sorted(set(PACKAGES) - NOT_CHECKED))
def test_packages_keep_to_the_boundaries(package: str) -> None:
    offences = [
        f"{path.relative_to(SERVER)} {offence}"
        for path in sorted((SERVER / package).rglob("*.py"))
        for offence in boundary_offences(package, path.read_text(encoding="utf-8"))
    ]
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("payments", "from platform_server.orders.models import Order"),
        ("payments", "from platform_server.orders import service as orders"),
        ("payments", "from platform_server.orders.repository import lock"),
        ("payments", "import platform_server.orders.schemas"),
        ("invoices", "if TYPE_CHECKING:\n    from platform_server.orders.models import Order"),
        ("core", "from platform_server.orders import api as orders"),
        ("core", "from platform_server.users.api import Identity"),
    ],
)
def test_the_rule_catches_a_crossing(package: str, source: str) -> None:
    assert boundary_offences(package, source) != []


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("payments", "from platform_server.orders import api as orders"),
        ("payments", "from platform_server.orders.api import OrderForPayment"),
        ("payments", "from platform_server.core.errors import NotFound"),
        ("payments", "from platform_server.payments.models import Payment"),
        ("core", "from platform_server.core.settings import Settings"),
    ],
)
def test_the_rule_allows_the_public_interface(package: str, source: str) -> None:
    assert boundary_offences(package, source) == []
