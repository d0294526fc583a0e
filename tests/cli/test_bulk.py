"""`platform bulk …` against a live server: import with --wait (exit 0, 3 with a report,
1 for a refused file, whatever the reason), export to a file, jobs list/get/cancel/report."""

from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path
from typing import Any

from platform_sdk import Client
from tests.cli.conftest import Cli


def _file(path: Path, tag: str, rows: int, bad: int = 0) -> Path:
    lines = ["sku,name,price,category"]
    lines += [f"CB-{tag}-{n},Item {n},1.25,{tag}" for n in range(rows)]
    lines += [f"CB-{tag}-bad{n},Bad,nope,{tag}" for n in range(bad)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(admin_cli: Cli, path: str, *extra: str, json: bool = False) -> Any:
    """`platform bulk import products PATH …`; each test's category is new."""
    args = ("bulk", "import", "products", path, *extra, "--create-categories")
    return admin_cli.json(*args) if json else admin_cli.run(*args)


def test_import_wait_exit_codes_and_report(admin_cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    tag = uuid.uuid4().hex[:8]
    good = _import(admin_cli, str(_file(tmp_path / "a.csv", tag, 3)), "--wait")
    assert good.exit_code == 0, good.stderr
    assert "products import succeeded: 3/3 rows" in good.stderr  # plain lines off a terminal
    assert "Imported a.csv: 3 rows: 3 created, 0 updated, 0 unchanged, 0 failed." in good.stderr

    report = tmp_path / "report.csv"
    partial = _import(
        admin_cli, str(_file(tmp_path / "b.csv", tag, 2, bad=2)), "--wait", "--report", str(report)
    )
    assert partial.exit_code == 3, partial.stderr
    assert f"2 of 4 rows failed; the report is {report}" in partial.stderr
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [r["outcome"] for r in rows] == ["unchanged", "unchanged", "failed", "failed"]
    assert rows[2]["key"] == f"CB-{tag}-bad0" and rows[2]["error"].startswith("price: ")

    bad = tmp_path / "c.csv"
    bad.write_text("sku,colour\nA,red\n", encoding="utf-8")
    refused = _import(admin_cli, str(bad), "--wait")
    assert refused.exit_code == 1
    assert "Unknown column(s) 'colour'" in refused.stderr

    dry = _import(admin_cli, str(_file(tmp_path / "d.csv", tag, 1)), "--dry-run", json=True)
    assert dry["dry_run"] is True and dry["status"] == "queued"


def test_import_wait_exits_1_on_a_file_that_cannot_be_imported(
    admin_cli: Cli, sdk: Client, tmp_path: Path
) -> None:
    """A whole file refused (not CSV or JSONL text, a format nobody can tell, the wrong
    columns): `--wait` exits 1 with the server's reason, and nothing is imported."""
    tag = uuid.uuid4().hex[:8]
    refusals = {
        "binary.csv": (b"sku,name\n\x00\x01\x02\n", "it is not CSV or JSONL text"),
        "latin1.csv": ("sku,name\nA,Caf\u00e9\n".encode("latin-1"), "not UTF-8 throughout"),
        "products.txt": (b"sku,name\nA,B\n", "Cannot tell the file's format"),
        "lines.jsonl": (b"sku,name\n", "The first line is not JSON: this is not JSONL"),
        "nosku.csv": (f"name,price,category\nX,1.00,{tag}\n".encode(), "Missing column(s): sku"),
        "empty.csv": (b"", "The file is empty"),
    }
    for name, (content, reason) in refusals.items():
        path = tmp_path / name
        path.write_bytes(content)
        refused = _import(admin_cli, str(path), "--wait")
        assert refused.exit_code == 1, (name, refused.stdout, refused.stderr)
        assert reason in refused.stderr, (name, refused.stderr)
        assert "Traceback" not in refused.stderr
    assert sdk.products.list(category=tag).data == []


def test_export_and_jobs(admin_cli: Cli, sdk: Client, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    assert _import(admin_cli, str(_file(tmp_path / "a.csv", tag, 3)), "--wait").exit_code == 0
    out = tmp_path / "out.jsonl"
    result = admin_cli.run(
        "bulk", "export", "products", "--filter", f"category={tag}", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert f"Wrote 3 products rows to {out}." in result.stderr
    assert sorted(json.loads(x)["sku"] for x in out.read_text().splitlines()) == [
        f"CB-{tag}-{n}" for n in range(3)
    ]
    assert (
        admin_cli.run("bulk", "export", "products", "--filter", "oops", "--out", str(out)).exit_code
        == 2
    )
    refused = admin_cli.run(
        "bulk", "export", "products", "--filter", "colour=red", "--out", str(out)
    )
    assert refused.exit_code == 1 and "filters" in refused.stderr

    jobs = admin_cli.json("bulk", "jobs", "list", "--limit", "3")
    assert jobs[0]["direction"] == "export" and jobs[0]["status"] == "succeeded"
    shown = admin_cli.json("bulk", "jobs", "get", jobs[1]["id"])
    assert shown["counts"]["created"] == 3
    cancelled = admin_cli.run("bulk", "jobs", "cancel", jobs[1]["id"])
    assert cancelled.exit_code == 1 and "already succeeded" in cancelled.stderr
    target = tmp_path / "again.csv"
    assert (
        admin_cli.run("bulk", "jobs", "report", jobs[1]["id"], "--out", str(target)).exit_code == 0
    )
    assert target.read_text().splitlines()[0] == "row,key,outcome,error"
    table = admin_cli.run("bulk", "jobs", "list").stdout
    assert "products" in table and "succeeded" in table and "UUID(" not in table


def test_wait_draws_a_bar_on_a_terminal(admin_cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from platform_cli import terminal

    monkeypatch.setattr(terminal, "stderr_is_tty", lambda: True)
    tag = uuid.uuid4().hex[:8]
    result = _import(admin_cli, str(_file(tmp_path / "a.csv", tag, 5)), "--wait")
    assert result.exit_code == 0, result.stderr
    assert "products import succeeded" not in result.stderr  # no plain lines: the bar
    assert "5 created" in result.stderr
