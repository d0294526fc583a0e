"""Reads driven by wrk (C, one thread) instead of Python clients.

On a 2-core host a Python load generator is slower than the server it measures: its
own event loop queues the requests, and that queueing is what its latencies report.
wrk keeps the figures the server's. Used by `connections_10k.py --reader wrk`.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from loadgen import Result

# wrk's own summary has no p95: a script reports the percentiles in microseconds.
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("P50_US %d\\nP95_US %d\\nP99_US %d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class WrkResult(Result):
    """A `Result` whose latencies wrk summarised: its percentiles, not every sample."""

    percentiles_ms: dict[float, float] = field(default_factory=dict)
    requests: int = 0

    def percentile(self, p: float) -> float:
        return self.percentiles_ms.get(p, float("nan"))

    @property
    def throughput(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0

    def row(self) -> str:
        return (
            f"| {self.name} | {self.requests} | {self.throughput:,.0f} | "
            f"{self.percentile(50):.1f} | {self.percentile(95):.1f} | {self.percentile(99):.1f} | "
            f"{dict(self.statuses)} |"
        )


def available() -> bool:
    return shutil.which("wrk") is not None


async def read(name: str, url: str, token: str, clients: int, seconds: float) -> WrkResult:
    """`clients` keep-alive connections asking `url` for `seconds`, signed in."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(REPORT)
        process = await asyncio.create_subprocess_exec(
            *("wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "-s", str(script)),
            *("-H", f"Authorization: Bearer {token}", url),
            stdout=asyncio.subprocess.PIPE,
        )
        out = (await process.communicate())[0].decode()
    total = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    requests = int(total.group(1)) if total else 0
    elapsed = 0.0
    if total:
        elapsed = float(total.group(2)) / (1000 if total.group(3) == "ms" else 1)
    failed = int(bad.group(1)) if bad else 0
    result = WrkResult(name=name, requests=requests, elapsed_s=elapsed)
    result.statuses.update({200: requests - failed, "other": failed} if failed else {200: requests})
    if errors:
        result.statuses["socket errors: " + errors.group(1).strip()] = 1
    for p in (50, 95, 99):
        found = re.search(rf"P{p}_US (\d+)", out)
        result.percentiles_ms[p] = int(found.group(1)) / 1000 if found else float("nan")
    return result
