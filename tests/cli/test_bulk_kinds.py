"""`platform bulk` with the inventory counts and orders kinds, as a CI script runs it: a
count file with five bad rows exits 3 with a report naming them; orders export to a file."""

from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path

import httpx

from tests.cli.conftest import Cli
from tests.conftest import Account
from tests.server.commerce.conftest import Shop


def test_an_inventory_count_with_five_bad_rows_exits_3_naming_them(
    admin_cli: Cli, tmp_path: Path, api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    shop = Shop(api, admin_headers)
    tag = uuid.uuid4().hex[:8]
    skus = [shop.product(stock=4)["sku"] for _ in range(3)]

    counts = tmp_path / "counts.csv"
    bad = [f"CK-{tag}-missing,1", f"{skus[0]},-5", f"{skus[1]},ten", f"{skus[2]},", f"{skus[0]},8"]
    good = [f"{s},{n}" for s, n in zip(skus, (7, 4, 0), strict=True)]
    counts.write_text("sku,on_hand\n" + "\n".join(good + bad) + "\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    run = admin_cli.run(
        "bulk", "import", "inventory", str(counts), "--wait", "--report", str(report)
    )
    assert run.exit_code == 3, run.stderr
    assert f"5 of 8 rows failed; the report is {report}" in run.stderr
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    failed = {r["row"]: (r["key"], r["error"]) for r in rows if r["outcome"] == "failed"}
    assert sorted(failed) == ["5", "6", "7", "8", "9"]
    assert failed["5"] == (f"CK-{tag}-missing", "no product has this SKU")
    assert all(failed[n][0] == key for n, key in (("6", skus[0]), ("7", skus[1]), ("8", skus[2])))
    assert "repeated (row 2" in failed["9"][1]
    assert [r["outcome"] for r in rows[:3]] == ["updated", "unchanged", "updated"]


def test_all_orders_export_to_a_file(
    admin_cli: Cli,
    tmp_path: Path,
    api: httpx.Client,
    admin_headers: dict[str, str],
    customer: Account,
) -> None:
    shop = Shop(api, admin_headers)
    placed = shop.order(customer, (shop.product(stock=5)["id"], 2))
    out = tmp_path / "orders.jsonl"
    run = admin_cli.run("bulk", "export", "orders", "--out", str(out))
    assert run.exit_code == 0, run.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert f"Wrote {len(lines):,} orders rows to {out}." in run.stderr
    mine = next(order for order in lines if order["id"] == placed["id"])
    assert (mine["status"], mine["total"], mine["currency"]) == ("pending", "20.00", "USD")
    assert [item["quantity"] for item in mine["items"]] == [2]
    bad = admin_cli.run("bulk", "export", "orders", "--filter", "status=lost", "--out", str(out))
    assert bad.exit_code != 0 and "status" in bad.stderr
