"""How `import_rows` keeps chunks in flight: never more than two, never two that
share a SKU, and results counted in file order."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from platform_cli.batch_import import IN_FLIGHT, import_rows
from platform_cli.product_files import ImportReport, Row
from platform_sdk.models import Batch


class RecordingProducts:
    """Stands in for `sdk.products`: answers each batch after a pause, and records
    what was in flight at the same time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight: list[set[str]] = []
        self.most_at_once = 0
        self.overlaps: list[set[str]] = []
        self.order: list[str] = []

    def batch(
        self,
        *,
        items: Sequence[dict[str, Any]],
        dry_run: bool | None,
        create_categories: bool | None = None,
    ) -> Batch:
        skus = {str(item["sku"]) for item in items}
        with self.lock:
            for other in self.in_flight:
                if skus & other:
                    self.overlaps.append(skus & other)
            self.in_flight.append(skus)
            self.most_at_once = max(self.most_at_once, len(self.in_flight))
        time.sleep(0.05)
        with self.lock:
            self.in_flight.remove(skus)
            self.order.extend(str(item["sku"]) for item in items)
        return Batch(
            created=len(items),
            updated=0,
            unchanged=0,
            failed=0,
            results=[
                {"index": i, "sku": item["sku"], "result": "created"}
                for i, item in enumerate(items)
            ],
        )


def rows(skus: list[str]) -> list[Row]:
    return [Row(number=i + 2, item={"sku": sku}, sku=sku) for i, sku in enumerate(skus)]


def run(skus: list[str]) -> tuple[RecordingProducts, ImportReport, list[int]]:
    products = RecordingProducts()
    report = ImportReport(file="f.csv", format="csv", dry_run=False)
    seen: list[int] = []
    import_rows(
        SimpleNamespace(products=products),  # duck-types the SDK client
        rows(skus),
        report,
        on_chunk=lambda done: seen.append(done.rows),
    )
    return products, report, seen


def test_chunks_overlap_two_at_a_time() -> None:
    products, report, seen = run([f"S-{i}" for i in range(5000)])
    assert products.most_at_once == IN_FLIGHT == 2
    assert products.overlaps == []
    assert report.rows == report.created == 5000
    assert seen == [1000, 2000, 3000, 4000, 5000]  # tallied in file order


def test_a_chunk_sharing_a_sku_waits_for_the_earlier_one() -> None:
    skus = [f"S-{i}" for i in range(3000)]
    skus[1500] = " s-0 "  # the server strips SKUs; matching here is looser still
    skus[2500] = "S-1200"
    products, report, _ = run(skus)
    assert products.overlaps == []
    assert products.most_at_once == 1  # every chunk shared a SKU with the one before
    assert report.rows == 3000
    assert products.order.index(" s-0 ") > products.order.index("S-0")
