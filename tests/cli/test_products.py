from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from platform_cli import terminal
from platform_sdk import Client, NotFoundError
from tests.cli.conftest import Cli

PRODUCT_KEYS = {
    "id",
    "sku",
    "name",
    "description",
    "price",
    "currency",
    "category",
    "attributes",
    "status",
    "inventory",
    "images",
    "created_at",
    "updated_at",
}
HEADER = ["ID", "SKU", "NAME", "CATEGORY", "PRICE", "CURRENCY", "AVAILABLE", "STATUS", "CREATED"]


def tag() -> str:
    return uuid.uuid4().hex[:10]


def make(
    sdk: Client, category: str, sku: str, price: str = "10.00", stock: int = 5, **kw: Any
) -> Any:
    return sdk.products.create(
        sku=sku,
        name=kw.pop("name", f"Product {sku}"),
        price=price,
        category=category,
        stock=stock,
        **kw,
    )


def test_create_in_table_and_json(admin_cli: Cli, sdk: Client) -> None:
    t = tag()
    data = admin_cli.json(
        "products",
        "create",
        "--sku",
        f"C{t}",
        "--name",
        "Desk lamp",
        "--price",
        "19.99",
        "--category",
        f"cat-{t}",
        "--description",
        "Bright",
        "--currency",
        "EUR",
        "--attr",
        "color=red",
        "--attr",
        "watts=40",
        "--stock",
        "12",
        "--low-stock-threshold",
        "3",
    )
    assert set(data) == PRODUCT_KEYS
    assert data["price"] == "19.99" and data["currency"] == "EUR"
    assert data["attributes"] == {"color": "red", "watts": "40"}
    assert data["inventory"]["on_hand"] == 12 and data["inventory"]["low_stock_threshold"] == 3
    assert sdk.products.get(data["id"]).price == Decimal("19.99")

    table = admin_cli.ok(
        "products", "create", "--sku", f"T{t}", "--name", "T", "--price", "1", "-c", f"cat-{t}"
    ).stdout
    assert f"sku\tT{t}" in table and "status\tactive" in table


def test_create_validation(admin_cli: Cli, sdk: Client) -> None:
    t = tag()
    base = ["products", "create", "--name", "X", "--category", f"v-{t}"]
    # a float-looking price is fine, a non-number is a usage error (exit 2)
    assert admin_cli.run(*base, "--sku", f"V{t}", "--price", "abc").exit_code == 2
    assert (
        admin_cli.run(*base, "--sku", f"V{t}", "--price", "1", "--attr", "novalue").exit_code == 2
    )
    # the server's 422: exit 1 with the field
    bad = admin_cli.run(*base, "--sku", f"V{t}", "--price", "1", "--currency", "XXX")
    assert bad.exit_code == 1
    assert "(422, request " in bad.stderr and "  - body.currency:" in bad.stderr
    # duplicate SKU: 409, exit 1
    make(sdk, f"v-{t}", f"D{t}")
    dup = admin_cli.run(*base, "--sku", f"D{t}", "--price", "1")
    assert dup.exit_code == 1 and "(409, request " in dup.stderr
    # dry run: local checks, nothing created
    dry = admin_cli.run(
        *base, "--sku", "-bad", "--price", "1.00001", "--currency", "usd", "--dry-run"
    )
    assert dry.exit_code == 1
    assert (
        "  - body.sku:" in dry.stderr and "  - body.price: at most 4 decimal places" in dry.stderr
    )
    assert "  - body.currency:" in dry.stderr
    ok = admin_cli.json(*base, "--sku", f"N{t}", "--price", "2.50", "--dry-run")
    assert ok["dry_run"] is True and ok["request"]["price"] == "2.50"
    assert [p.sku for p in sdk.products.list(category=f"v-{t}")] == [f"D{t}"]


def test_get_list_and_filters(admin_cli: Cli, sdk: Client) -> None:
    t = tag()
    cat = f"list-{t}"
    cheap = make(sdk, cat, f"L{t}-1", price="5.00", stock=0)
    mid = make(sdk, cat, f"L{t}-2", price="15.00", stock=3)
    dear = make(sdk, cat, f"L{t}-3", price="25.00", stock=3)

    lines = admin_cli.ok("products", "list", "--category", cat).stdout.splitlines()
    assert lines[0].split("\t") == HEADER
    assert [line.split("\t")[1] for line in lines[1:]] == [dear.sku, mid.sku, cheap.sku]
    assert lines[1].split("\t")[4:8] == ["25.00", "USD", "3", "active"]

    data = admin_cli.json("products", "list", "--category", cat)
    assert [p["sku"] for p in data] == [dear.sku, mid.sku, cheap.sku]
    assert all(set(p) == PRODUCT_KEYS for p in data)

    def skus(*args: str) -> list[str]:
        return [p["sku"] for p in admin_cli.json("products", "list", "--category", cat, *args)]

    assert skus("--min-price", "10", "--max-price", "20") == [mid.sku]
    assert skus("--in-stock", "--sort", "price") == [mid.sku, dear.sku]
    assert skus("--out-of-stock") == [cheap.sku]
    assert skus("--sort", "-price", "--limit", "2") == [dear.sku, mid.sku]
    assert skus("--limit", "1", "--all") == [dear.sku, mid.sku, cheap.sku]
    admin_cli.ok("products", "archive", str(cheap.id))
    assert skus("--status", "archived") == [cheap.sku]
    assert skus("--status", "active") == [dear.sku, mid.sku]
    assert admin_cli.run("products", "list", "--sort", "weird").exit_code == 2
    assert admin_cli.run("products", "list", "--min-price", "cheap").exit_code == 2

    got = admin_cli.json("products", "get", str(mid.id))
    assert got == sdk.products.get(mid.id).model_dump(mode="json")
    table = admin_cli.ok("products", "get", str(mid.id)).stdout
    assert f"sku\t{mid.sku}" in table and "price\t15.00" in table


def test_reads_need_no_sign_in(cli: Cli, sdk: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    t = tag()
    cat = f"anon-{t}"
    shown = make(sdk, cat, f"A{t}-1")
    hidden = make(sdk, cat, f"A{t}-2")
    sdk.products.update(hidden.id, status="archived")
    monkeypatch.setenv("PLATFORM_BASE_URL", cli.server_url)
    assert [p["sku"] for p in cli.json("products", "list", "--category", cat)] == [shown.sku]
    assert cli.json("products", "get", str(shown.id))["sku"] == shown.sku
    assert cli.run("products", "get", str(hidden.id)).exit_code == 5
    assert {"name": cat, "product_count": 1} in cli.json("categories", "list", "--all")
    assert (
        cli.run(
            "products", "create", "--sku", "x", "--name", "x", "--price", "1", "-c", "x"
        ).exit_code
        == 4
    )


def test_get_missing_is_exit_5(admin_cli: Cli) -> None:
    missing = str(uuid.uuid4())
    for args in (
        ["products", "get", missing],
        ["products", "update", missing, "--name", "x"],
        ["products", "delete", missing, "--yes"],
        ["products", "archive", missing],
        ["inventory", "show", missing],
    ):
        result = admin_cli.run(*args)
        assert result.exit_code == 5, (args, result.stderr)
        assert result.stderr.startswith("Error: ") and "(404, request " in result.stderr


def test_search(admin_cli: Cli, sdk: Client) -> None:
    t = tag()
    cat = f"search-{t}"
    word = f"zq{t}"
    make(sdk, cat, f"S{t}-1", name=f"Walnut {word} table")
    make(sdk, cat, f"S{t}-2", name="Oak chair", description=f"matches {word} too")
    make(sdk, cat, f"S{t}-3", name="Unrelated")
    found = admin_cli.json("products", "search", word)
    assert {p["sku"] for p in found} == {f"S{t}-1", f"S{t}-2"}
    assert admin_cli.json("products", "search", word, "--sort", "name")[0]["sku"] == f"S{t}-2"
    lines = admin_cli.ok("products", "search", word, "--category", cat).stdout.splitlines()
    assert lines[0].split("\t") == HEADER and len(lines) == 3
    assert admin_cli.json("products", "search", f"nothing{t}") == []


def test_update_archive_with_dry_run(admin_cli: Cli, sdk: Client) -> None:
    t = tag()
    product = make(sdk, f"upd-{t}", f"U{t}", attributes={"color": "red", "size": "M"})
    diff = admin_cli.ok(
        "products", "update", str(product.id), "--price", "12.5", "--dry-run"
    ).stdout
    assert "  - price: 10.00" in diff and "  + price: 12.5" in diff
    data = admin_cli.json(
        "products",
        "update",
        str(product.id),
        "--attr",
        "color=blue",
        "--attr",
        "size=",
        "--dry-run",
    )
    assert data["changes"] == {
        "attributes": {"from": {"color": "red", "size": "M"}, "to": {"color": "blue"}}
    }
    assert sdk.products.get(product.id).attributes == {"color": "red", "size": "M"}

    updated = admin_cli.json(
        "products",
        "update",
        str(product.id),
        "--price",
        "12.5",
        "--name",
        "Renamed",
        "--attr",
        "color=blue",
        "--attr",
        "size=",
        "--attr",
        "new=yes",
    )
    assert updated["price"] == "12.50" and updated["name"] == "Renamed"
    assert updated["attributes"] == {"color": "blue", "new": "yes"}
    assert admin_cli.run("products", "update", str(product.id)).exit_code == 2

    dry = admin_cli.json("products", "archive", str(product.id), "--dry-run")
    assert dry["changes"] == {"status": {"from": "active", "to": "archived"}}
    assert sdk.products.get(product.id).status == "active"
    assert "status\tarchived" in admin_cli.ok("products", "archive", str(product.id)).stdout
    assert sdk.products.get(product.id).status == "archived"
    assert admin_cli.json("products", "update", str(product.id), "--status", "active")[
        "status"
    ] == ("active")


def test_delete_needs_confirmation_and_archives_ordered_products(
    admin_cli: Cli, sdk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = tag()
    product = make(sdk, f"del-{t}", f"X{t}-1")
    refused = admin_cli.run("products", "delete", str(product.id))
    assert refused.exit_code == 2 and "pass --yes" in refused.stderr
    dry = admin_cli.ok("products", "delete", str(product.id), "--dry-run").stdout
    assert f"Dry run: would delete product {product.id}" in dry
    assert sdk.products.get(product.id).sku == product.sku

    with monkeypatch.context() as patch:
        patch.setattr(terminal, "stdin_is_tty", lambda: True)
        declined = admin_cli.run("products", "delete", str(product.id), input="n\n")
        assert declined.exit_code == 1 and "aborted" in declined.stderr

    assert admin_cli.json("products", "delete", str(product.id), "--yes") == {
        "id": str(product.id),
        "result": "deleted",
    }
    with pytest.raises(NotFoundError):
        sdk.products.get(product.id)

    ordered = make(sdk, f"del-{t}", f"X{t}-2")
    sdk.orders.create(items=[{"product_id": ordered.id, "quantity": 1}])
    text = admin_cli.ok("products", "delete", str(ordered.id), "--yes").stdout
    assert text == f"Archived product {ordered.id} (orders refer to it, so it was not deleted).\n"
    assert sdk.products.get(ordered.id).status == "archived"


def test_recommendations_and_categories(admin_cli: Cli, sdk: Client) -> None:
    t = tag()
    cat = f"rec-{t}"
    first = make(sdk, cat, f"R{t}-1")
    second = make(sdk, cat, f"R{t}-2")
    sdk.orders.create(
        items=[{"product_id": first.id, "quantity": 1}, {"product_id": second.id, "quantity": 1}]
    )
    recs = admin_cli.json("products", "recommendations", str(first.id))
    assert recs and recs[0]["sku"] == second.sku
    assert all(r["id"] != str(first.id) for r in recs)
    lines = admin_cli.ok("products", "recommendations", str(first.id), "--limit", "1").stdout
    assert lines.splitlines()[0].split("\t") == HEADER and len(lines.splitlines()) == 2
    assert (
        admin_cli.run("products", "recommendations", str(first.id), "--limit", "21").exit_code == 2
    )

    categories = admin_cli.json("categories", "list", "--all")
    assert {"name": cat, "product_count": 2} in categories
    table = admin_cli.ok("categories", "list", "--all").stdout.splitlines()
    assert table[0] == "NAME\tPRODUCTS" and f"{cat}\t2" in table


def test_inventory_show_adjust_ledger(admin_cli: Cli, sdk: Client) -> None:
    t = tag()
    product = make(sdk, f"inv-{t}", f"I{t}", stock=10)
    shown = admin_cli.json("products", "inventory", "show", str(product.id))
    # The old spelling stays, hidden, for one release.
    assert admin_cli.json("inventory", "show", str(product.id))["on_hand"] == 10
    assert (shown["on_hand"], shown["reserved"], shown["available"]) == (10, 0, 10)
    table = admin_cli.ok("products", "inventory", "show", str(product.id)).stdout
    assert "on_hand\t10" in table

    dry = admin_cli.json(
        "products",
        "inventory",
        "adjust",
        str(product.id),
        "--delta=-4",
        "--reason",
        "damaged",
        "--dry-run",
    )
    assert dry["changes"]["on_hand"] == {"from": 10, "to": 6}
    assert sdk.products.inventory.get(product.id).on_hand == 10
    too_far = admin_cli.run(
        "products",
        "inventory",
        "adjust",
        str(product.id),
        "--delta",
        "-11",
        "--reason",
        "x",
        "--dry-run",
    )
    assert too_far.exit_code == 1 and "  - body.delta: on hand would be -1" in too_far.stderr

    after = admin_cli.json(
        "products",
        "inventory",
        "adjust",
        str(product.id),
        "--delta",
        "-4",
        "--reason",
        "damaged",
        "--low-stock-threshold",
        "2",
    )
    assert after["on_hand"] == 6 and after["low_stock_threshold"] == 2
    assert (
        "on_hand\t11"
        in admin_cli.ok(
            "products",
            "inventory",
            "adjust",
            str(product.id),
            "--delta",
            "5",
            "--reason",
            "restock",
        ).stdout
    )
    # below what orders reserve: 409 from the server, exit 1
    sdk.orders.create(items=[{"product_id": product.id, "quantity": 3}])
    refused = admin_cli.run(
        "products", "inventory", "adjust", str(product.id), "--delta", "-10", "--reason", "x"
    )
    assert refused.exit_code == 1 and "(409, request " in refused.stderr

    ledger = admin_cli.json("products", "inventory", "ledger", str(product.id))
    assert [(m["delta"], m["kind"]) for m in ledger] == [
        (5, "adjustment"),
        (-4, "adjustment"),
        (10, "initial"),
    ]
    assert ledger[1]["reason"] == "damaged"
    lines = admin_cli.ok("products", "inventory", "ledger", str(product.id), "--limit", "1").stdout
    assert lines.splitlines()[0].startswith("ID\tDELTA\tON HAND AFTER\tKIND")
    assert len(lines.splitlines()) == 2


def test_customer_cannot_change_the_catalog(cli: Cli, make_user: Any, sdk: Client) -> None:
    user = make_user()
    assert cli.login(user.email, user.password).exit_code == 0
    t = tag()
    result = cli.run(
        "products", "create", "--sku", f"Q{t}", "--name", "Q", "--price", "1", "-c", "q"
    )
    assert result.exit_code == 1 and "(403, request " in result.stderr
    product = make(sdk, f"cust-{t}", f"Q{t}")
    assert cli.run("inventory", "show", str(product.id)).exit_code == 1
    assert cli.json("products", "get", str(product.id))["sku"] == f"Q{t}"
