"""Memory of a large object through the storage layer: written from a stream and read
back, the peak of Python allocations (tracemalloc) against the object's size.

    python bench/storage_stream.py --mb 100              # local disk
    python bench/storage_stream.py --mb 100 --s3         # a moto S3 server in a subprocess

The figure to read is the ratio of the peak to the object: well under 1 means the
object never sat whole in memory (the local backend holds one 256 KiB chunk, the S3
backend one multipart part, `PLATFORM_S3_PART_MB`, 8 MiB by default).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

from platform_server.core.settings import Settings
from platform_server.storage.base import random_key
from platform_server.storage.factory import open_storage

BLOCK = hashlib.sha256(b"bench").digest() * 2048  # 64 KiB
# moto takes any credentials.
KEY = "bench"


async def source(total: int) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        size = min(len(BLOCK), total - sent)
        yield BLOCK[:size]
        sent += size


async def run(settings: Settings, total: int) -> None:
    storage = open_storage(settings)
    key = random_key("bench")
    tracemalloc.start()
    started = time.perf_counter()
    await storage.put(key, source(total), content_type="application/octet-stream")
    _, write_peak = tracemalloc.get_traced_memory()
    wrote = time.perf_counter() - started
    tracemalloc.reset_peak()
    started = time.perf_counter()
    read = 0
    async for chunk in storage.stream(key):
        read += len(chunk)
    _, read_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    await storage.delete(key)
    await storage.close()
    assert read == total
    mib = total / 2**20
    took = time.perf_counter() - started
    print(f"backend {storage.name}, object {mib:.0f} MiB")
    for what, peak, seconds in (("write", write_peak, wrote), ("read", read_peak, took)):
        share = peak / total
        print(f"  {what}: peak {peak / 2**20:.1f} MiB ({share:.3f} of the object), {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--s3", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.s3:
            asyncio.run(run(Settings(data_dir=Path(tmp)), args.mb * 2**20))
            return
        # moto in its own process, so the object it keeps is not counted here.
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "5123"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            import boto3

            endpoint = "http://127.0.0.1:5123"
            for _ in range(100):
                try:
                    client = boto3.client(
                        "s3",
                        endpoint_url=endpoint,
                        region_name="us-east-1",
                        aws_access_key_id=KEY,
                        aws_secret_access_key=KEY,
                    )
                    client.create_bucket(Bucket="bench")
                    break
                except Exception:
                    time.sleep(0.1)
            settings = Settings(
                data_dir=Path(tmp),
                storage_backend="s3",
                s3_bucket="bench",
                s3_endpoint_url=endpoint,
                s3_access_key_id=KEY,
                s3_secret_access_key=KEY,
                s3_addressing_style="path",
            )
            asyncio.run(run(settings, args.mb * 2**20))
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
