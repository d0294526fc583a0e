from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from platform_sdk import NULL, Client
from tests.cli.conftest import Cli

HEADER = ["sku", "name", "description", "price", "currency", "category", "stock", "status"]


def tag() -> str:
    return uuid.uuid4().hex[:10]


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def products_of(sdk: Client, category: str) -> dict[str, Any]:
    return {p.sku: p for p in sdk.products.list(category=category, limit=100)}


def test_import_1000_rows_then_rerun_is_unchanged(
    admin_cli: Cli, sdk: Client, tmp_path: Path
) -> None:
    t = tag()
    category = f"bulk-{t}"
    rows = [
        [f"B{t}-{i:04d}", f"Bulk {i}", f"row {i}", f"{i % 50}.{i % 100:02d}", "USD", category, i]
        for i in range(1000)
    ]
    path = write_csv(tmp_path / "bulk.csv", [*HEADER[:-1]], rows)

    first = admin_cli.json("products", "import", "--create-categories", str(path))
    assert first["rows"] == 1000
    assert (first["created"], first["updated"], first["unchanged"], first["failed"]) == (
        1000,
        0,
        0,
        0,
    )
    assert first["failures"] == [] and first["format"] == "csv" and first["dry_run"] is False
    stored = products_of(sdk, category)
    assert len(stored) == 1000
    sample = stored[f"B{t}-0123"]
    assert str(sample.price) == "23.23" and sample.name == "Bulk 123"
    assert sample.inventory is not None and sample.inventory.on_hand == 123

    again = admin_cli.ok("products", "import", "--create-categories", str(path)).stdout
    assert again == (
        f"Imported {path}: 1,000 rows: 0 created, 0 updated, 1,000 unchanged, 0 failed.\n"
    )


def test_import_updates_only_changed_rows_and_keeps_stock(
    admin_cli: Cli, sdk: Client, tmp_path: Path
) -> None:
    t = tag()
    category = f"upd-{t}"
    rows = [[f"U{t}-{i}", f"Item {i}", "", "10.00", "USD", category, 7] for i in range(3)]
    path = write_csv(tmp_path / "u.csv", HEADER[:-1], rows)
    admin_cli.ok("products", "import", "--create-categories", str(path))
    rows[1][3] = "12.50"
    rows[2][6] = 999  # stock only applies to new products
    write_csv(path, HEADER[:-1], rows)
    report = admin_cli.json("products", "import", "--create-categories", str(path))
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 2)
    stored = products_of(sdk, category)
    assert str(stored[f"U{t}-1"].price) == "12.50"
    assert stored[f"U{t}-2"].inventory.on_hand == 7  # type: ignore[union-attr]

    # a file with only some columns changes only those
    partial = write_csv(tmp_path / "p.csv", ["sku", "price"], [[f"U{t}-0", "11.00"]])
    assert admin_cli.json("products", "import", "--create-categories", str(partial))["updated"] == 1
    product = products_of(sdk, category)[f"U{t}-0"]
    assert str(product.price) == "11.00" and product.name == "Item 0"


def test_bad_rows_exit_3_and_the_report_names_file_rows(
    admin_cli: Cli, sdk: Client, tmp_path: Path
) -> None:
    t = tag()
    category = f"bad-{t}"
    header = ["sku", "name", "price", "category", "attributes"]
    path = tmp_path / "bad.csv"
    path.write_text(
        "\n".join(
            [
                ",".join(header),  # row 1
                f"G{t}-1,Good one,1.00,{category},",  # row 2
                f"G{t}-2,Bad price,abc,{category},",  # row 3
                f"G{t}-3,,2.00,{category},",  # row 4: no name for a new product
                "",  # row 5: blank, skipped but counted
                f'G{t}-4,Bad attrs,3.00,{category},"{{nope"',  # row 6
                f"G{t}-1,Same SKU again,1.00,{category},",  # row 7: repeated in the batch
                f'G{t}-5,"Good, quoted",4.00,{category},"{{""size"": 2}}"',  # row 8
                f"G{t}-6,Too many,5.00,{category},,extra",  # row 9
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = admin_cli.run("products", "import", "--create-categories", str(path))
    assert result.exit_code == 3, (result.stdout, result.stderr)
    out = result.stdout
    assert f"Imported {path}: 7 rows: 2 created, 0 updated, 0 unchanged, 5 failed." in out
    lines = out.splitlines()
    failed = lines[lines.index("Failed rows:") + 1 :]
    assert [line.split(" (")[0] for line in failed] == [
        "  row 3",
        "  row 4",
        "  row 6",
        "  row 7",
        "  row 9",
    ]
    assert failed[0].startswith(f"  row 3 (sku G{t}-2): price: ")
    assert failed[1].startswith(f"  row 4 (sku G{t}-3): name: ")
    assert failed[2].startswith(f"  row 6 (sku G{t}-4): attributes: not JSON")
    assert failed[3] == f"  row 7 (sku G{t}-1): sku: repeated in this batch"
    assert failed[4] == f"  row 9 (sku G{t}-6): row: 6 cells, the header has 5"
    assert result.stderr == "Error: 5 of 7 rows failed (see the report)\n"

    stored = products_of(sdk, category)
    assert set(stored) == {f"G{t}-1", f"G{t}-5"}
    assert stored[f"G{t}-5"].attributes == {"size": 2}
    assert stored[f"G{t}-5"].name == "Good, quoted"

    data = json.loads(
        admin_cli.run("products", "import", "--create-categories", str(path), "-o", "json").stdout
    )
    assert data["failed"] == 5 and data["unchanged"] == 2
    assert [f["row"] for f in data["failures"]] == [3, 4, 6, 7, 9]
    assert data["failures"][0]["errors"][0]["field"] == "price"


def test_dry_run_changes_nothing(admin_cli: Cli, sdk: Client, tmp_path: Path) -> None:
    t = tag()
    category = f"dry-{t}"
    existing = f"D{t}-0"
    sdk.products.create(sku=existing, name="Old", price="1.00", category=category)
    rows = [[existing, "New name", "", "1.00", "USD", category, 1]]
    rows += [[f"D{t}-{i}", f"Dry {i}", "", "2.00", "USD", category, 1] for i in range(1, 4)]
    path = write_csv(tmp_path / "dry.csv", HEADER[:-1], rows)

    text = admin_cli.ok("products", "import", "--create-categories", str(path), "--dry-run").stdout
    assert text.startswith(f"Dry run of {path}: 4 rows: would create 3, update 1;")
    assert "Nothing was changed." in text
    data = admin_cli.json("products", "import", "--create-categories", str(path), "--dry-run")
    assert data["dry_run"] is True and (data["created"], data["updated"]) == (3, 1)
    stored = products_of(sdk, category)
    assert set(stored) == {existing} and stored[existing].name == "Old"

    bad = write_csv(tmp_path / "bad.csv", ["sku", "price"], [[f"D{t}-9", "-1"]])
    result = admin_cli.run("products", "import", "--create-categories", str(bad), "--dry-run")
    assert result.exit_code == 3
    assert "  row 2 (sku " in result.stdout


def test_jsonl_import_from_stdin_and_attr_columns(
    admin_cli: Cli, sdk: Client, tmp_path: Path
) -> None:
    t = tag()
    category = f"jl-{t}"
    lines = [
        {"sku": f"J{t}-1", "name": "Lamp", "price": "19.99", "category": category, "stock": 3},
        {
            "sku": f"J{t}-2",
            "name": "Chair",
            "price": 49.9,  # a JSON number is read as a Decimal, never a float
            "category": category,
            "attributes": {"weight": 1.5, "tags": ["a", "b"], "wood": True},
        },
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\n\nnot json\n"
    result = admin_cli.run(
        "products", "import", "--create-categories", "-", "--format", "jsonl", input=text
    )
    assert result.exit_code == 3, result.stderr
    assert "  row 4 (sku -): line: not JSON" in result.stdout
    stored = products_of(sdk, category)
    assert str(stored[f"J{t}-1"].price) == "19.99"
    assert str(stored[f"J{t}-2"].price) == "49.90"
    assert stored[f"J{t}-2"].attributes == {"weight": 1.5, "tags": ["a", "b"], "wood": True}

    jsonl = tmp_path / "ok.jsonl"
    jsonl.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert admin_cli.json("products", "import", "--create-categories", str(jsonl))["unchanged"] == 2

    attrs = write_csv(
        tmp_path / "attrs.csv",
        ["sku", "name", "price", "category", "attr.color", "attr.size"],
        [
            [f"A{t}-1", "Shirt", "9.00", category, "red", "M"],
            [f"A{t}-2", "Cap", "5", category, "", ""],
        ],
    )
    admin_cli.ok("products", "import", "--create-categories", str(attrs))
    stored = products_of(sdk, category)
    assert stored[f"A{t}-1"].attributes == {"color": "red", "size": "M"}
    assert stored[f"A{t}-2"].attributes == {}


def test_usage_errors(admin_cli: Cli, tmp_path: Path) -> None:
    typo = write_csv(tmp_path / "typo.csv", ["sku", "prize"], [["X", "1"]])
    result = admin_cli.run("products", "import", "--create-categories", str(typo))
    assert result.exit_code == 2 and "unknown column(s) 'prize'" in result.stderr
    no_sku = write_csv(tmp_path / "nosku.csv", ["name"], [["X"]])
    assert admin_cli.run("products", "import", "--create-categories", str(no_sku)).exit_code == 2
    assert (
        admin_cli.run("products", "import", "--create-categories", "-", input="sku\n").exit_code
        == 2
    )
    assert (
        admin_cli.run(
            "products", "import", "--create-categories", str(tmp_path / "none.csv")
        ).exit_code
        == 2
    )
    missing = admin_cli.run("products", "import", str(tmp_path / "none.jsonl"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    odd = tmp_path / "file.txt"
    odd.write_text("sku\n")
    assert admin_cli.run("products", "import", "--create-categories", str(odd)).exit_code == 2
    assert admin_cli.ok(
        "products", "import", "--create-categories", str(odd), "--format", "csv"
    ).stdout.startswith(f"Imported {odd}: 0 rows")


def test_customer_import_is_refused(cli: Cli, make_user: Any, tmp_path: Path) -> None:
    user = make_user()
    assert cli.login(user.email, user.password).exit_code == 0
    path = write_csv(
        tmp_path / "c.csv", ["sku", "name", "price", "category"], [["C1", "n", "1", "c"]]
    )
    result = cli.run("products", "import", "--create-categories", str(path))
    assert result.exit_code == 1
    # The job is refused before the file is stored: nothing to import, nothing half-done.
    assert result.stderr.startswith(
        "Error: Importing products needs the catalog:write permission (403, request "
    )


def test_export_then_import_round_trip(admin_cli: Cli, sdk: Client, tmp_path: Path) -> None:
    t = tag()
    category = f"rt-{t}"
    tricky = 'Line one,\nline "two" — ünïcode'
    sdk.products.create(
        sku=f"R{t}-1",
        name="Round trip",
        description=tricky,
        price="19.99",
        category=category,
        attributes={"weight": 1.25, "tags": ["x"], "nested": {"a": NULL}},
        stock=4,
        low_stock_threshold=2,
    )
    sdk.products.create(sku=f"R{t}-2", name="Archived", price="0", category=category)
    archived = products_of(sdk, category)[f"R{t}-2"]
    sdk.products.update(archived.id, status="archived")

    csv_path = tmp_path / "out.csv"
    result = admin_cli.run("products", "export", "--category", category, "--out", str(csv_path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == f"Exported 2 products to {csv_path}.\n"
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8", newline="")))
    assert [r["sku"] for r in rows] == [f"R{t}-1", f"R{t}-2"]  # by SKU (a server-side job)
    assert rows[0]["description"] == tricky and rows[0]["stock"] == "4"
    assert rows[1]["status"] == "archived"
    assert json.loads(rows[0]["attributes"]) == {
        "weight": 1.25,
        "tags": ["x"],
        "nested": {"a": None},
    }
    report = admin_cli.json("products", "import", "--create-categories", str(csv_path))
    assert (report["unchanged"], report["created"], report["updated"]) == (2, 0, 0)

    jsonl_path = tmp_path / "out.jsonl"
    admin_cli.ok("products", "export", "--category", category, "--out", str(jsonl_path))
    records = [json.loads(line) for line in jsonl_path.read_text().splitlines()]
    assert records[0]["price"] == "19.99" and records[0]["low_stock_threshold"] == 2
    assert (
        admin_cli.json("products", "import", "--create-categories", str(jsonl_path))["unchanged"]
        == 2
    )

    # to stdout, in either format
    stdout = admin_cli.ok("products", "export", "--category", category).stdout
    assert stdout == csv_path.read_text(encoding="utf-8")
    assert admin_cli.ok(
        "products", "export", "--category", category, "--format", "jsonl"
    ).stdout == jsonl_path.read_text(encoding="utf-8")

    # into a fresh catalog: the same file creates them (new SKUs, same everything else)
    fresh = tmp_path / "fresh.csv"
    fresh.write_text(csv_path.read_text(encoding="utf-8").replace(f"R{t}-", f"F{t}-"))
    assert admin_cli.json("products", "import", "--create-categories", str(fresh))["created"] == 2
    copy = products_of(sdk, category)[f"F{t}-1"]
    assert copy.description == tricky and copy.inventory is not None
    assert copy.inventory.on_hand == 4 and copy.inventory.low_stock_threshold == 2


def test_broken_pipe_exits_quietly(server_url: str, tmp_path: Path) -> None:
    """`platform … | head`: the reader goes away; no traceback, no error, exit 0."""
    env = {
        **os.environ,
        "PLATFORM_CONFIG_DIR": str(tmp_path / "config"),
        "PLATFORM_BASE_URL": server_url,
    }
    env.pop("PLATFORM_API_KEY", None)
    for args in (["help", "environment"], ["products", "list", "--all"]):
        read_end, write_end = os.pipe()
        os.close(read_end)  # nobody will read: the first write fails with EPIPE
        try:
            done = subprocess.run(
                [sys.executable, "-m", "platform_cli", *args],
                stdout=write_end,
                stderr=subprocess.PIPE,
                env=env,
                timeout=60,
                check=False,
            )
        finally:
            os.close(write_end)
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""


def test_progress_bar_on_a_terminal(
    admin_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platform_cli import terminal

    monkeypatch.setattr(terminal, "stderr_is_tty", lambda: True)
    t = tag()
    rows = [[f"P{t}-{i}", "Bar", "", "1.00", "USD", f"bar-{t}", 1] for i in range(1500)]
    path = write_csv(tmp_path / "bar.csv", HEADER[:-1], rows)
    result = admin_cli.run("products", "import", "--create-categories", str(path))
    assert result.exit_code == 0, result.stderr
    assert "1,500 created" in result.stdout  # the bar itself is transient, on stderr


def test_a_sku_repeated_in_a_later_chunk_ends_with_the_later_row(
    admin_cli: Cli, sdk: Client, tmp_path: Path
) -> None:
    # Rows 2 and 1,502 name the same SKU and fall in different chunks of 1,000, which
    # the import keeps in flight two at a time: the later row must win, every time.
    t = tag()
    category = f"dup-{t}"
    rows = [[f"D{t}-{i:04d}", f"Row {i}", "", "1.00", "USD", category, 1] for i in range(1600)]
    rows[1500][0] = rows[0][0]
    rows[1500][1] = "The later row"
    path = write_csv(tmp_path / "dup.csv", [*HEADER[:-1]], rows)
    report = admin_cli.json("products", "import", "--create-categories", str(path))
    assert (report["rows"], report["created"], report["updated"], report["failed"]) == (
        1600,
        1599,
        1,
        0,
    )
    assert products_of(sdk, category)[f"D{t}-0000"].name == "The later row"


def test_a_key_without_the_permission_imports_nothing(
    admin_cli: Cli, sdk: Client, tmp_path: Path
) -> None:
    # A key without catalog:write: the server refuses the job whole, before any row.
    t = tag()
    key = sdk.api_keys.create(name=f"read-only-{t}", scopes=["account:read"]).key
    rows = [[f"F{t}-{i:04d}", f"Row {i}", "", "1.00", "USD", f"f-{t}", 1] for i in range(1500)]
    path = write_csv(tmp_path / "refused.csv", [*HEADER[:-1]], rows)
    env = {"PLATFORM_API_KEY": key}
    result = admin_cli.run("products", "import", "--create-categories", str(path), env=env)
    assert result.exit_code == 1
    assert "(403, request " in result.stderr
    assert products_of(sdk, f"f-{t}") == {}


def test_an_unknown_category_is_a_failed_row_unless_allowed(
    admin_cli: Cli, sdk: Client, tmp_path: Path
) -> None:
    t = tag()
    known = sdk.products.create(
        sku=f"K{t}", name="Known", price="1.00", category=f"known-{t}"
    ).category
    rows = [
        [f"C{t}-1", "In a known one", "", "1.00", "USD", known, 1],
        [f"C{t}-2", "Typo", "", "1.00", "USD", f"knwon-{t}", 1],
    ]
    path = write_csv(tmp_path / "cats.csv", HEADER[:-1], rows)
    result = admin_cli.run("products", "import", str(path))
    assert result.exit_code == 3, result.stderr
    assert f"row 3 (sku C{t}-2): category: unknown category 'knwon-{t}'" in result.stdout
    assert products_of(sdk, f"knwon-{t}") == {}
    allowed = admin_cli.json("products", "import", "--create-categories", str(path))
    assert (allowed["created"], allowed["unchanged"], allowed["failed"]) == (1, 1, 0)
    assert list(products_of(sdk, f"knwon-{t}")) == [f"C{t}-2"]
