"""`platform health`: liveness and readiness of the server (no credential needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from platform_cli.context import Column, client
from platform_cli.verbs import printing

if TYPE_CHECKING:
    from platform_cli.output import Output


@printing
def health(ctx: typer.Context, out: Output) -> None:
    """Is the server alive (/healthz) and ready (/readyz)? Exit code 1 if not."""
    from platform_sdk import APIStatusError, PlatformError

    result: dict[str, Any] = {"base_url": None, "live": None, "ready": None}
    failed = False
    with client(ctx, authenticated=False) as sdk, out.spinner("Checking…"):
        result["base_url"] = sdk.base_url
        for name, probe in (("live", sdk.health.live), ("ready", sdk.health.ready)):
            try:
                result[name] = probe().model_dump(mode="json")
            except APIStatusError as exc:
                failed = True
                result[name] = {
                    "status": "error",
                    "http_status": exc.status_code,
                    "detail": exc.detail or exc.title,
                }
            except PlatformError:
                if name == "live":
                    raise  # unreachable: a connection error says it best
                failed = True
                result[name] = {"status": "error"}
    if out.format == "table":
        ready = result["ready"]
        row = {
            "server": result["base_url"],
            "live": result["live"]["status"],
            "ready": ready["status"],
            "database": ready.get("database") or ready.get("detail"),
        }
        columns = [
            Column("server", "server"),
            Column("live", "live", "status"),
            Column("ready", "ready", "status"),
            Column("database", "database", "status"),
        ]
        if ready.get("redis"):  # only when the server uses Redis
            row["redis"] = ready["redis"]
            columns.append(Column("redis", "redis", "status"))
        out.one(row, columns)
    else:
        out.one(result)
    if failed:
        raise typer.Exit(1)
