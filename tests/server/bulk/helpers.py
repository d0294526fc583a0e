from __future__ import annotations

from typing import Any

import httpx

from tests.server.commerce.conftest import API
from tests.server.events.helpers import wait_for

FINISHED = ("succeeded", "failed", "cancelled")


def start_import(
    api: httpx.Client,
    headers: Any,
    data: bytes,
    *,
    filename: str = "products.csv",
    kind: str = "products",
    **form: Any,
) -> httpx.Response:
    form.setdefault("create_categories", True)  # each test makes categories of its own
    fields = {"kind": kind, **{k: str(v).lower() for k, v in form.items()}}
    return api.post(
        f"{API}/bulk/imports",
        data=fields,
        files={"file": (filename, data, "text/csv")},
        headers=headers,
    )


def finished(api: httpx.Client, headers: Any, job_id: str, timeout: float = 60) -> dict[str, Any]:
    """The job once it has ended (polled: the runner takes it in the background)."""
    seen: dict[str, Any] = {}

    def done() -> bool:
        answer = api.get(f"{API}/bulk/jobs/{job_id}", headers=headers)
        assert answer.status_code == 200, answer.text
        seen.update(answer.json())
        return seen["status"] in FINISHED

    wait_for(done, timeout=timeout, what=f"bulk job {job_id} to finish")
    return seen


def products_csv(skus: list[str], *, price: str = "9.99", category: str = "bulk") -> bytes:
    lines = ["sku,name,price,currency,category,stock"]
    lines += [f"{s},Bulk {s},{price},USD,{category},3" for s in skus]
    return ("\n".join(lines) + "\n").encode()
