"""Bulk jobs: 100,000 product rows imported by the job runner, then exported.

    python bench/bulk_import.py                         # SQLite (a temp file)
    python bench/bulk_import.py --pg postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
    python bench/bulk_import.py --rows 20000            # a shorter run

The runner is the one `platform worker run` and the API process use, called in this
process: the file is stored through the storage layer, then read back, parsed, validated
and applied a chunk (PLATFORM_BULK_CHUNK_ROWS) per transaction. Targets on the 2-core
machine: import <= 20 s on PostgreSQL, <= 40 s on SQLite; export >= 20,000 rows/s.
Memory: the process's peak RSS before and after, against the file's size. CPU: this
process's (with SQLite, the database's work too), which a busy machine inflates less
than the wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import secrets
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from platform_server.bulk.formats import Scan, scanned
from platform_server.bulk.kinds import IMPORTS
from platform_server.bulk.models import BulkJob
from platform_server.bulk.runner import JobRunner
from platform_server.core.database import Database
from platform_server.core.ids import new_id
from platform_server.core.migrate import upgrade
from platform_server.core.permissions import permissions_for
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings
from platform_server.demo import ensure_admin
from platform_server.products import api as products
from platform_server.storage.factory import open_storage
from platform_server.users.models import User

EMAIL = "bench-admin@example.com"


async def csv_file(rows: int, tag: str) -> AsyncIterator[bytes]:
    yield b"sku,name,description,price,currency,category,stock\n"
    batch = []
    for n in range(rows):
        batch.append(
            f"B{tag}-{n:06d},Bench product {n},A product,{n % 500 + 1}.99,USD,"
            f"bench-{n % 50},{n % 90}\n"
        )
        if len(batch) == 2000:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(settings: Settings, rows: int) -> None:
    db = Database(settings)
    storage = open_storage(settings)
    await ensure_admin(db, EMAIL, secrets.token_urlsafe(16), name="Bench")
    async with db.transaction() as session:
        admin_id = await session.scalar(select(User.id).where(User.email == EMAIL))
    assert admin_id is not None
    runner = JobRunner(db, settings, storage)
    # As `platform worker run` and the API process do once started: start-up's objects
    # frozen out of the collector (without it, full collections took a fifth of the time).
    gc.collect()
    gc.freeze()
    tag = secrets.token_hex(3)
    job_id = new_id()
    key = f"bulk/{job_id}/input"
    scan = Scan("csv", settings.bulk_max_line_bytes)
    await storage.put(key, scanned(csv_file(rows, tag), scan, 2**40), content_type="text/csv")
    total = scan.check(IMPORTS["products"])
    size = (await storage.stat(key)).size
    common = {
        "kind": "products",
        "format": "csv",
        "dry_run": False,
        "status": "queued",
        "rows_done": 0,
        "chunks_done": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
        "requested_by": admin_id,
        "requester_email": EMAIL,
        "requester_role": "admin",
    }
    async with db.transaction() as session:
        session.add(
            BulkJob(
                id=job_id,
                direction="import",
                mode="upsert",
                filters={"create_categories": True},
                rows_total=total,
                input_key=key,
                **common,
            )
        )
    before = rss_mib()
    started, cpu = time.perf_counter(), time.process_time()
    assert await runner.run_once()
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    async with db.transaction() as session:
        job = await session.get(BulkJob, job_id)
        assert job is not None and job.status == "succeeded", job and job.error
        created = job.created
    print(
        f"{settings.resolved_database_url.split(':')[0]}: import of {rows:,} rows "
        f"({size / 2**20:.1f} MiB): {took:.1f} s, {rows / took:,.0f} rows/s "
        f"(this process's CPU: {cpu:.1f} s), created {created:,}; "
        f"peak RSS {before:.0f} -> {rss_mib():.0f} MiB"
    )

    # Baseline, same process and database: the same rules (products.batch) called
    # directly, 1,000 rows a transaction, no file, no job: what the framework adds.
    actor = Principal(admin_id, EMAIL, "admin", permissions_for("admin"))
    started = time.perf_counter()
    for first in range(0, rows, 1000):
        items = [
            {
                "sku": f"X{tag}-{n:06d}",
                "name": f"Bench product {n}",
                "description": "A product",
                "price": f"{n % 500 + 1}.99",
                "currency": "USD",
                "category": f"bench-{n % 50}",
                "stock": n % 90,
            }
            for n in range(first, min(first + 1000, rows))
        ]
        async with db.transaction() as session:
            await products.upsert_by_sku(
                session, items, actor, dry_run=False, create_categories=True
            )
    base = time.perf_counter() - started
    print(
        f"  baseline (the batch rules called directly): {base:.1f} s; "
        f"the job took {took / base:.2f}x as long"
    )

    export_id = new_id()
    async with db.transaction() as session:
        session.add(
            BulkJob(id=export_id, direction="export", **{**common, "mode": "export"}, filters={})
        )
    started, cpu = time.perf_counter(), time.process_time()
    assert await runner.run_once()
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    async with db.transaction() as session:
        job = await session.get(BulkJob, export_id)
        assert job is not None and job.status == "succeeded"
        done = job.rows_done
    print(
        f"  export of {done:,} rows: {took:.1f} s, {done / took:,.0f} rows/s "
        f"(CPU {cpu:.1f} s); "
        f"peak RSS {rss_mib():.0f} MiB"
    )
    await storage.close()
    await db.dispose()


async def admin_sql(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg", help="a PostgreSQL URL; a fresh database is made beside it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.pg:
            settings = Settings(
                data_dir=Path(tmp), database_url=f"sqlite+aiosqlite:///{tmp}/bench.db"
            )
            upgrade(settings)
            asyncio.run(run(settings, args.rows))
            return
        base = make_url(args.pg)
        name = f"bench_bulk_{secrets.token_hex(4)}"
        asyncio.run(admin_sql(args.pg, f'CREATE DATABASE "{name}"'))
        try:
            url = base.set(database=name).render_as_string(hide_password=False)
            settings = Settings(data_dir=Path(tmp), database_url=url)
            upgrade(settings)
            asyncio.run(run(settings, args.rows))
        finally:
            asyncio.run(admin_sql(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
