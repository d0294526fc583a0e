"""Writing product files for `platform products export`: the CSV or JSONL that `import` reads."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from platform_cli.product_files import EXPORT_FIELDS, FileFormat

if TYPE_CHECKING:
    from platform_sdk.models import Product


def export_record(product: Product) -> dict[str, Any]:
    """The fields of a product that ``import`` reads back (stock applies to new products)."""
    inventory = product.inventory
    return {
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "price": str(product.price),
        "currency": product.currency,
        "category": product.category,
        "stock": inventory.on_hand if inventory is not None else None,
        "low_stock_threshold": inventory.low_stock_threshold if inventory is not None else None,
        "status": product.status,
        "attributes": dict(product.attributes),
    }


class CsvWriter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(EXPORT_FIELDS)

    def write(self, record: Mapping[str, Any]) -> None:
        values = []
        for name in EXPORT_FIELDS:
            value = record.get(name)
            if name == "attributes":
                value = (
                    json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""
                )
            values.append("" if value is None else str(value))
        self.writer.writerow(values)


class JsonlWriter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, record: Mapping[str, Any]) -> None:
        data = {k: v for k, v in record.items() if v is not None}
        self.stream.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def writer(fmt: FileFormat, stream: IO[str]) -> CsvWriter | JsonlWriter:
    return CsvWriter(stream) if fmt == "csv" else JsonlWriter(stream)
