"""Bulk jobs over HTTP: imports and exports of products, their reports, bad files."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.server.bulk.helpers import finished, products_csv, start_import
from tests.server.commerce.conftest import API, new_category, new_sku
from tests.server.events.helpers import events_of, wait_for


def _report(api: httpx.Client, headers: Any, job_id: str) -> list[dict[str, str]]:
    answer = api.get(f"{API}/bulk/jobs/{job_id}/result", headers=headers)
    assert answer.status_code == 200, answer.text
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_a_products_import_upserts_by_sku_and_reports_every_row(
    api: httpx.Client, staff: Account
) -> None:
    skus = [new_sku("bulk") for _ in range(5)]
    category = new_category()
    data = products_csv(skus, category=category)
    data += f"{skus[0]},Again,1.00,USD,{category},1\n".encode()  # repeated: fails alone
    data += b"bad-price,Bad,abc,USD,x,1\n"
    answer = start_import(api, staff.headers, data)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert (job["kind"], job["direction"], job["status"]) == ("products", "import", "queued")
    assert job["progress"] == {"done": 0, "total": 7}
    assert job["requested_by"]["email"] == staff.email
    job = finished(api, staff.headers, job["id"])
    assert job["status"] == "succeeded", job
    assert job["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "failed": 2}
    assert job["progress"] == {"done": 7, "total": 7}
    assert job["result_available"] and job["finished_at"]
    # Announced through the outbox, so webhooks and the event stream get it too.
    announced = wait_for(lambda: events_of(api, staff.headers, job["id"], "job.succeeded"))
    assert announced[0]["data"]["counts"]["created"] == 5
    assert announced[0]["actor"]["email"] == staff.email
    report = _report(api, staff.headers, job["id"])
    assert [r["row"] for r in report] == [str(n) for n in range(2, 9)]
    failed = {r["row"]: r for r in report if r["outcome"] == "failed"}
    assert set(failed) == {"7", "8"}
    assert "repeated" in failed["7"]["error"] and failed["7"]["key"] == skus[0]
    assert "price" in failed["8"]["error"]
    listed = api.get(f"{API}/products", params={"category": category}).json()["data"]
    assert sorted(p["sku"] for p in listed) == sorted(skus)

    # The same file again changes nothing; a new price updates.
    again = finished(api, staff.headers, start_import(api, staff.headers, data).json()["id"])
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 5, "failed": 2}
    cheaper = products_csv(skus[:2], price="5.00", category=category)
    job = finished(api, staff.headers, start_import(api, staff.headers, cheaper).json()["id"])
    assert job["counts"]["updated"] == 2


def test_a_dry_run_checks_every_row_and_writes_nothing(api: httpx.Client, staff: Account) -> None:
    skus = [new_sku("dry") for _ in range(3)]
    data = products_csv(skus) + b"x-1,,1.00,USD,c,1\n"
    job = start_import(api, staff.headers, data, dry_run=True).json()
    assert job["dry_run"] is True
    job = finished(api, staff.headers, job["id"])
    assert job["status"] == "succeeded"
    # What the import would do; nothing was written.
    assert job["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "failed": 1}
    outcomes = [r["outcome"] for r in _report(api, staff.headers, job["id"])]
    assert outcomes == ["created", "created", "created", "failed"]
    for sku in skus:
        found = api.get(f"{API}/products", params={"q": sku}, headers=staff.headers)
        assert all(p["sku"] != sku for p in found.json()["data"])


def test_jsonl_imports_and_an_export_streams_the_products(
    api: httpx.Client, staff: Account
) -> None:
    category = new_category()
    lines = [
        {
            "sku": new_sku("j"),
            "name": f"J {n}",
            "price": 2.5,
            "category": category,
            "attributes": {"size": n},
        }
        for n in range(3)
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    job = start_import(api, staff.headers, data, filename="p.jsonl").json()
    job = finished(api, staff.headers, job["id"])
    assert job["counts"]["created"] == 3, job
    report = api.get(f"{API}/bulk/jobs/{job['id']}/result", headers=staff.headers)
    assert [json.loads(r)["outcome"] for r in report.text.splitlines()] == ["created"] * 3

    answer = api.post(
        f"{API}/bulk/exports",
        json={"kind": "products", "format": "jsonl", "filters": {"category": category}},
        headers=staff.headers,
    )
    assert answer.status_code == 202, answer.text
    job = finished(api, staff.headers, answer.json()["id"])
    assert job["status"] == "succeeded" and job["progress"]["done"] == 3
    result = api.get(f"{API}/bulk/jobs/{job['id']}/result", headers=staff.headers)
    assert result.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(r) for r in result.text.splitlines()]
    assert sorted(r["sku"] for r in rows) == sorted(line["sku"] for line in lines)
    assert {r["price"] for r in rows} == {"2.50"}
    assert rows[0]["attributes"]["size"] in (0, 1, 2)


def test_bad_files_are_refused_at_once(api: httpx.Client, staff: Account) -> None:
    cases: list[tuple[bytes, str, str]] = [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "picture.csv", "/problems/file-format"),
        (b"sku,name\n", "products.txt", "/problems/file-format"),
        (b"sku,colour\nA,red\n", "p.csv", "/problems/file-columns"),
        (b"name,price\nA,1\n", "p.csv", "/problems/file-columns"),
        (
            "sku,name\nA,caf\u00e9\n".encode() + "B,caf\u00e9\n".encode("latin-1"),
            "p.csv",
            "/problems/file-encoding",
        ),
        (
            b"sku,name\nA," + b"x" * (2 * 1024 * 1024) + b"\n",
            "p.csv",
            "/problems/file-line-too-long",
        ),
        (b"[1, 2]\n", "p.jsonl", "/problems/file-format"),
        (b"", "p.csv", "/problems/file-format"),
    ]
    for data, name, problem in cases:
        answer = start_import(api, staff.headers, data, filename=name)
        body = assert_problem(answer, 422)
        assert body["type"] == problem, (name, body)
    jobs = api.get(f"{API}/bulk/jobs", headers=staff.headers).json()["data"]
    assert jobs == []  # nothing was started


def test_bad_requests(api: httpx.Client, staff: Account, customer: Account) -> None:
    data = products_csv([new_sku()])
    assert_problem(start_import(api, staff.headers, data, kind="planets"), 422, field="kind")
    assert_problem(start_import(api, staff.headers, data, mode="replace"), 422, field="mode")
    assert_problem(start_import(api, customer.headers, data), 403)
    assert_problem(start_import(api, {}, data), 401)
    export = api.post(
        f"{API}/bulk/exports",
        json={"kind": "products", "filters": {"colour": "red"}},
        headers=staff.headers,
    )
    assert_problem(export, 422, field="colour")
    export = api.post(
        f"{API}/bulk/exports", json={"kind": "products", "format": "xml"}, headers=staff.headers
    )
    assert_problem(export, 422, field="format")
    missing = "00000000-0000-0000-0000-000000000000"
    assert_problem(api.get(f"{API}/bulk/jobs/{missing}", headers=staff.headers), 404)
    # Another user's job is not theirs to see.
    job = start_import(api, staff.headers, data).json()
    assert_problem(api.get(f"{API}/bulk/jobs/{job['id']}", headers=customer.headers), 404)
    job = finished(api, staff.headers, job["id"])
    assert_problem(api.post(f"{API}/bulk/jobs/{job['id']}/cancel", headers=staff.headers), 409)


def test_jobs_list_and_idempotent_create(api: httpx.Client, staff: Account) -> None:
    data = products_csv([new_sku()])
    headers = {**staff.headers, "Idempotency-Key": new_sku("key")}
    first = start_import(api, headers, data)
    again = start_import(api, headers, data)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    finished(api, staff.headers, first.json()["id"])
    page = api.get(f"{API}/bulk/jobs", params={"limit": 10}, headers=staff.headers).json()
    assert [j["id"] for j in page["data"]] == [first.json()["id"]]
    done = api.get(f"{API}/bulk/jobs", params={"status": "queued"}, headers=staff.headers)
    assert done.json()["data"] == []
