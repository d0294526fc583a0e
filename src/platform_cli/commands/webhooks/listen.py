"""`platform webhooks listen`: events forwarded to a local URL, signed like real deliveries.

Webhook endpoints may not point at loopback or private addresses (the server refuses them,
rightly), so a developer cannot receive real deliveries on a laptop. ``listen`` follows the
event stream as the signed-in admin and POSTs each event to ``--forward-to`` itself, signed
with a secret made for this session (the Standard Webhooks scheme, the same as the server's):
the receiver verifies it with ``platform_sdk.webhooks.verify`` exactly as in production.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from platform_cli.params import opt
from platform_cli.verbs import Session, verb

if TYPE_CHECKING:
    from platform_cli.output import Output

BODY_EXCERPT = 200  # characters of a failed answer's body shown


def _target(url: str) -> str:
    from urllib.parse import urlsplit

    from platform_cli.errors import UsageError

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--forward-to takes an http:// or https:// URL with a host, not {url!r}")
    return url


def _types(events: str | None) -> list[str]:
    return [t.strip() for t in (events or "").split(",") if t.strip() and t.strip() != "*"]


@verb()
def listen(
    session: Session,
    forward_to: Annotated[
        str,
        opt(
            "--forward-to",
            "-f",
            help="Local URL each event is POSTed to, e.g. http://localhost:9999/hook.",
        ),
    ],
    events: Annotated[
        str | None,
        opt("--events", "-e", help="Only these event types, comma-separated (default: all)."),
    ] = None,
    count: Annotated[int | None, opt("--count", "-n", min=1, help="Stop after this many.")] = None,
) -> None:
    """Forward events to a local URL, signed like webhook deliveries (Ctrl-C stops).

    Prints a signing secret for this session: verify each request with
    `platform_sdk.webhooks.verify(body, headers, secret)`. Each delivery is shown with the
    receiver's status and the time it took; with -o json, one JSON line per delivery."""
    import httpx

    from platform_sdk.webhooks import generate_secret

    url = _target(forward_to)
    types = _types(events)
    out = session.out
    sdk = session.sdk
    # Start after the newest event: what is published once "Ready" is printed is forwarded
    # even if the stream connects a moment later (the server replays after that id).
    newest = next(iter(sdk.events.list(limit=1, type=types or None)), None)
    secret = generate_secret()
    sent = 0
    try:
        out.info(f"Ready! Forwarding {', '.join(types) or 'all events'} to {url} (Ctrl-C stops).")
        out.info(f"Signing secret for this session: {secret}")
        with httpx.Client(timeout=10, follow_redirects=False) as http:
            last = str(newest.id) if newest is not None else None
            for event in sdk.events.stream(type=types or None, last_event_id=last):
                _show(out, event, _forward(http, url, secret, event))
                sent += 1
                if count is not None and sent >= count:
                    break
    except KeyboardInterrupt:
        pass


def _forward(http: Any, url: str, secret: str, event: Any) -> dict[str, Any]:
    """POST one event; what happened, for people and for -o json."""
    import time

    import httpx

    from platform_cli import __version__
    from platform_sdk.webhooks import sign

    body = event.model_dump_json().encode()
    headers = {
        **sign(body, secret, msg_id=str(event.id)),
        "Content-Type": "application/json",
        "Platform-Event": event.type,
        "User-Agent": f"platform-cli/{__version__} (webhooks listen)",
    }
    started = time.perf_counter()
    result: dict[str, Any] = {"event_id": str(event.id), "type": event.type, "url": url}
    try:
        response = http.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        result.update(status=None, error=f"{type(exc).__name__}: {exc}" if str(exc) else "failed")
    else:
        result.update(status=response.status_code, error=None)
        if response.status_code >= 300:
            result["body"] = " ".join(response.text.split())[:BODY_EXCERPT]
    result["duration_ms"] = round((time.perf_counter() - started) * 1000)
    return result


def _show(out: Output, event: Any, result: dict[str, Any]) -> None:
    import json
    from datetime import UTC, datetime

    if out.format != "table":
        out.write(json.dumps(result, separators=(",", ":")) + "\n")
        return
    when = datetime.now(UTC).strftime("%H:%M:%S")
    status = result["status"]
    answer = str(status) if status is not None else f"failed: {result['error']}"
    line = f"{when}  {event.type:<22} {event.id}  -> {answer} ({result['duration_ms']} ms)"
    if result.get("body"):
        line += f"  {result['body']}"
    if out.rich:
        ok = status is not None and status < 300
        out.console().print(line, style="green" if ok else "red", markup=False, highlight=False)
    else:
        out.write(line + "\n")
