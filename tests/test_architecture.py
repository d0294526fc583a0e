"""Domains own their tables: a domain package never imports another domain's models
at run time (only for type hints), so it cannot query or write their tables; it calls
that domain's service functions instead."""

from __future__ import annotations

import ast
from pathlib import Path

import platform_server

SERVER = Path(platform_server.__file__).parent
DOMAINS = sorted(p.name for p in SERVER.iterdir() if (p / "models.py").exists())


def _runtime_model_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [m for m in found if m.startswith("platform_server.") and m.endswith(".models")]


def test_there_are_domains_to_check() -> None:
    assert {"products", "inventory", "orders", "payments", "users"} <= set(DOMAINS)


def test_no_domain_imports_another_domains_models() -> None:
    offences = []
    for domain in DOMAINS:
        for path in sorted((SERVER / domain).glob("*.py")):
            for module in _runtime_model_imports(path):
                if module != f"platform_server.{domain}.models":
                    offences.append(f"{path.relative_to(SERVER)} imports {module}")
    assert offences == []
