"""10,000 held connections and 1,000 event-stream subscribers on one API process,
while 32 clients read the signed-in product list: their p50/p95/p99 against the same
reads with nothing held (same run), errors, and the server's open files and memory.

    python bench/connections_10k.py                       # 1,000 held + 100 streams
    python bench/connections_10k.py --connections 10000 --subscribers 1000 \\
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench]

Loopback only; it raises its own open-file limit (and so the server's, which inherits
it) to the hard limit, opens the connections in steps of `--step`, each with one
`GET /healthz` answered and then held idle; the streams subscribe to
`/api/v1/events/stream` and count what they receive while one product is updated
twice a second (each update is one event for every stream). At the end every held
connection asks again (a closed one is an error), then all are closed in steps and
the server stopped. The server keeps idle connections for `--keep-alive` seconds
(PLATFORM_KEEP_ALIVE_SECONDS), longer than the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import cpu_share
import httpx
import wrk_reads
from commerce_load import seed, start_server
from loadgen import Result, free_port, run, summary
from throwaway import throwaway_database

HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def raise_open_files(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise SystemExit(f"the hard open-file limit is {hard}; this run needs {needed}")
    wanted = max(soft, needed) if hard == resource.RLIM_INFINITY else hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


def server_figures(pid: int) -> tuple[int, float]:
    """Open file descriptors and resident memory (MiB) of the server process."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return fds, int(line.split()[1]) / 1024
    return fds, float("nan")


async def answered(reader: asyncio.StreamReader) -> bool:
    """Reads one response to `GET /healthz` (headers and a Content-Length body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return head.startswith(b"HTTP/1.1 200")


class Held:
    """Idle keep-alive connections, each having had one answer."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.open: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.errors = 0

    async def one(self) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=4096)
            writer.write(HEALTHZ)
            if await asyncio.wait_for(answered(reader), 30):
                self.open.append((reader, writer))
                return
            writer.close()
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            pass
        self.errors += 1

    async def ask_again(self) -> int:
        """Every held connection asks once more; how many failed (closed or wrong)."""

        async def again(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
            try:
                writer.write(HEALTHZ)
                return await asyncio.wait_for(answered(reader), 30)
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                return False

        failed = 0
        for start in range(0, len(self.open), 500):
            batch = self.open[start : start + 500]
            failed += sum(not ok for ok in await asyncio.gather(*(again(*c) for c in batch)))
        return failed

    async def close(self, step: int) -> None:
        while self.open:
            batch, self.open = self.open[:step], self.open[step:]
            for _, writer in batch:
                writer.close()
            await asyncio.sleep(0.05)


class Streams:
    """SSE subscribers counting the events they receive."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.tasks: list[asyncio.Task[None]] = []
        self.connected = 0
        self.events = 0
        self.errors = 0

    async def subscribe(self) -> None:
        request = (
            "GET /api/v1/events/stream?types=product.updated HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {self.token}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=65536)
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            if not head.startswith(b"HTTP/1.1 200"):
                raise OSError(head.split(b"\r\n")[0].decode())
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            self.errors += 1
            return
        self.connected += 1
        self.tasks.append(asyncio.create_task(self._drain(reader, writer)))

    async def _drain(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                if line.startswith(b"event: "):
                    self.events += 1
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def ramp(make: object, count: int, step: int) -> None:
    for start in range(0, count, step):
        await asyncio.gather(*(make() for _ in range(min(step, count - start))))  # type: ignore[operator]
        await asyncio.sleep(0.05)


async def updates(base: str, token: str, product: str, stop: asyncio.Event) -> int:
    """Two price changes a second, each one `product.updated` event; how many were made."""
    made = 0
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        while not stop.is_set():
            try:
                answer = await client.patch(
                    f"/api/v1/products/{product}", json={"price": f"{10 + made % 50}.00"}
                )
                made += answer.status_code == 200
            except httpx.HTTPError as exc:  # counted as no event; the run goes on
                print(f"an update failed: {exc!r}", file=sys.stderr)
            await asyncio.sleep(0.5)
    return made


async def bench(args: argparse.Namespace, base: str, port: int, pid: int) -> None:
    token, products = seed(base)
    reads_auth = {"Authorization": f"Bearer {token}"}

    cpu: list[str] = []

    async def reads(name: str) -> Result:
        before = cpu_share.snapshot(pid, postgres_too=bool(args.database_url))
        result: Result
        if args.reader == "wrk":
            url = f"{base}/api/v1/products?limit=20"
            result = await wrk_reads.read(name, url, token, args.clients, args.seconds)
            count = result.requests
        else:
            result = await run(
                base,
                name,
                lambda c: c.get("/api/v1/products", params={"limit": 20}),
                concurrency=args.clients,
                requests=1_000_000,
                seconds=args.seconds,
                headers=reads_auth,
            )
            count = len(result.latencies_ms)
        after = cpu_share.snapshot(pid, postgres_too=bool(args.database_url))
        cpu.append(cpu_share.per_request(before, after, count))
        return result

    def cpu_seconds() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    figures = [("idle", *server_figures(pid))]
    # A first, unmeasured burst: a new process's first requests fill its caches, open
    # its database connections and load what it loads lazily (their p99 was 300-700 ms
    # against 5 ms once warm); every phase below then measures the same warm server.
    await reads("warm-up")
    cpu.clear()
    results = [await reads("nothing held")]
    started = time.perf_counter()
    held, streams = Held(port), Streams(port, token)
    await ramp(streams.subscribe, args.subscribers, args.step // 10 or 1)
    await ramp(held.one, args.connections, args.step)
    ramp_s = time.perf_counter() - started
    figures.append(("all held", *server_figures(pid)))
    # Everything held and nothing asked: what holding costs the server by itself.
    ticks, quiet_started = cpu_seconds(), time.perf_counter()
    await asyncio.sleep(args.idle)
    idle_share = (cpu_seconds() - ticks) / (time.perf_counter() - quiet_started)
    stop = asyncio.Event()
    writer = asyncio.ensure_future(updates(base, token, products[0], stop))
    results.append(await reads(f"{len(held.open):,} held + {streams.connected:,} streams"))
    stop.set()
    made = await writer
    await asyncio.sleep(2)  # the last events reach the streams
    figures.append(("after the reads", *server_figures(pid)))
    failed_again = await held.ask_again()
    delivered, expected = streams.events, made * streams.connected
    await streams.close()
    await held.close(args.step)
    await asyncio.sleep(1)
    figures.append(("all closed", *server_figures(pid)))
    results.append(await reads("nothing held, after"))

    print(
        f"ramp up: {ramp_s:.1f} s; connection errors: {held.errors} held, "
        f"{streams.errors} streams; held connections that no longer answered: {failed_again}"
    )
    print(
        f"events: {made} updates x {streams.connected} streams = {expected}, {delivered} received"
    )
    print(f"server CPU while everything was held and idle: {idle_share:.1%} of a core")
    print(summary(results))
    for result, share in zip(results, cpu, strict=True):
        print(f"CPU per read, {result.name}: {share}")
    base_p95 = results[0].percentile(95)
    print(
        f"p95 with everything held / p95 with nothing held: "
        f"{results[1].percentile(95) / base_p95:.2f}"
    )
    print("| server | open fds | RSS MiB |\n| --- | ---: | ---: |")
    for name, fds, rss in figures:
        print(f"| {name} | {fds:,} | {rss:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=1_000)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--reader",
        choices=["wrk", "python"],
        default="wrk" if wrk_reads.available() else "python",
        help="what drives the reads: wrk (default when installed) or Python clients",
    )
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--idle", type=float, default=5, help="seconds held with no reads")
    parser.add_argument("--step", type=int, default=500, help="connections opened at once")
    parser.add_argument("--keep-alive", type=int, default=600)
    parser.add_argument("--database-url", help="a PostgreSQL server (a throwaway database)")
    args = parser.parse_args()
    limit = raise_open_files(args.connections + args.subscribers + 1_000)
    print(f"open-file limit: {limit:,} (this process and the server)", file=sys.stderr)
    os.environ["PLATFORM_KEEP_ALIVE_SECONDS"] = str(args.keep_alive)
    os.environ["PLATFORM_LISTEN_BACKLOG"] = "4096"
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(args.database_url) as url:
        server_args = argparse.Namespace(
            workers=1, database_url=url, start_seconds=60, catalog_cache_seconds=2.0
        )
        server = start_server(server_args, Path(tmp), port)
        try:
            asyncio.run(bench(args, f"http://127.0.0.1:{port}", port, server.pid))
        finally:
            server.terminate()
            try:
                server.wait(30)
            except Exception:
                server.kill()


if __name__ == "__main__":
    main()
