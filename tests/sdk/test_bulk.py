"""Bulk jobs through the SDK (sync and async) against the live server: an import from a
path, its report streamed to a file, an export, a bad file, jobs listed and cancelled."""

from __future__ import annotations

import asyncio
import io
import json
import time
import uuid
from pathlib import Path

import pytest

from platform_sdk import AsyncClient, Client, ConflictError, UnprocessableEntityError
from platform_sdk.models import BulkJob

Live = tuple[str, tuple[str, str]]


def _csv(tag: str, rows: int) -> bytes:
    lines = ["sku,name,price,category"] + [
        f"SDK-{tag}-{n},Item {n},1.50,{tag}" for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def _wait(client: Client, job: BulkJob) -> BulkJob:
    deadline = time.monotonic() + 60
    while not job.finished:
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.05)
        job = client.bulk.jobs.get(job.id)
    return job


def test_bulk_sync(live: Live, tmp_path: Path) -> None:
    url, (email, password) = live
    tag = uuid.uuid4().hex[:10]
    source = tmp_path / "products.csv"
    source.write_bytes(_csv(tag, 4) + f"SDK-{tag}-bad,Bad,abc,{tag}\n".encode())
    with Client(url) as client:
        client.auth.login(email=email, password=password)
        dry = _wait(
            client,
            client.bulk.imports.create("products", source, dry_run=True, create_categories=True),
        )
        assert dry.dry_run and dry.counts.failed == 1 and dry.counts.created == 4
        assert not list(client.products.list(category=tag))  # the dry run wrote nothing
        job = client.bulk.imports.create("products", source, create_categories=True)
        assert (
            job.kind == "products" and job.direction == "import" and job.filename == "products.csv"
        )
        job = _wait(client, job)
        assert job.status == "succeeded"
        assert (job.counts.created, job.counts.failed, job.progress.done) == (4, 1, 5)
        report = tmp_path / "report.csv"
        got = client.bulk.jobs.result(job.id, report)
        assert got.path == report
        lines = report.read_text().splitlines()
        assert lines[0] == "row,key,outcome,error" and len(lines) == 6
        assert lines[-1].startswith(f"6,SDK-{tag}-bad,failed,")

        export = _wait(
            client,
            client.bulk.exports.create("products", format="jsonl", filters={"category": tag}),
        )
        sink = io.BytesIO()
        client.bulk.jobs.result(export.id, sink)
        skus = sorted(json.loads(line)["sku"] for line in sink.getvalue().splitlines())
        assert skus == [f"SDK-{tag}-{n}" for n in range(4)]

        assert job.id in [j.id for j in client.bulk.jobs.list(status="succeeded")]
        with pytest.raises(ConflictError):
            client.bulk.jobs.cancel(job.id)
        with pytest.raises(UnprocessableEntityError) as refused:
            client.bulk.imports.create(
                "products", io.BytesIO(b"sku,colour\nA,red\n"), filename="x.csv"
            )
        assert refused.value.body["type"] == "/problems/file-columns"


@pytest.mark.anyio
async def test_bulk_async(live: Live, tmp_path: Path) -> None:
    url, (email, password) = live
    tag = uuid.uuid4().hex[:10]
    async with AsyncClient(url) as client:
        await client.auth.login(email=email, password=password)
        data = "".join(
            json.dumps({"sku": f"ASDK-{tag}-{n}", "name": "A", "price": "2.00", "category": tag})
            + "\n"
            for n in range(3)
        )
        job = await client.bulk.imports.create(
            "products", io.BytesIO(data.encode()), filename="items.jsonl", create_categories=True
        )
        deadline = time.monotonic() + 60
        while not job.finished:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
            job = await client.bulk.jobs.get(job.id)
        assert job.status == "succeeded" and job.counts.created == 3
        target = tmp_path / "report.jsonl"
        await client.bulk.jobs.result(job.id, target)
        assert [json.loads(x)["outcome"] for x in target.read_text().splitlines()] == [
            "created"
        ] * 3
        page = await client.bulk.jobs.list(limit=5)
        assert job.id in [j.id async for j in page]
