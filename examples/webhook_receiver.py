"""A minimal webhook receiver: verifies each delivery with the SDK and prints its event type.

    python examples/webhook_receiver.py              # self-test (the default), exits 0 or 1
    PLATFORM_WEBHOOK_SECRET=whsec_... python examples/webhook_receiver.py --serve --port 8000

The self-test needs no Platform server: it starts the receiver on a free loopback port,
POSTs a delivery signed like the server signs them, and checks it is accepted (200) while
a tampered and a stale one are refused (400).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from platform_sdk import WebhookVerificationError, webhooks
from platform_server.webhooks.signing import generate_secret, sign


def make_handler(secret: str) -> type[BaseHTTPRequestHandler]:
    class WebhookHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            # Verify the raw bytes as received: parsing and re-serializing breaks signatures.
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            try:
                event = webhooks.verify(body, dict(self.headers.items()), secret)
            except WebhookVerificationError as error:
                print(f"refused: {error}", file=sys.stderr)
                self._answer(400, str(error))
                return
            # Deliveries may be retried: a real receiver skips a `webhook-id` it already handled.
            print(f"received {event.get('type')} ({self.headers['webhook-id']})")
            self._answer(200, "ok")

        def _answer(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("content-type", "text/plain; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the lines printed above say enough

    return WebhookHandler


def post(port: int, body: bytes, headers: dict[str, str]) -> int:
    # http.client, not urllib: no proxy from the environment gets in the way of loopback.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/webhooks", body, {"content-type": "application/json", **headers})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def self_test() -> int:
    secret = generate_secret()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(secret))
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        body = json.dumps({"type": "order.paid", "data": {"order_id": str(uuid.uuid4())}}).encode()
        headers = sign(secret, f"msg_{uuid.uuid4().hex}", time.time(), body)
        stale = sign(secret, f"msg_{uuid.uuid4().hex}", time.time() - 3600, body)
        results = {
            "valid": (post(port, body, headers), 200),
            "tampered": (post(port, body.replace(b"order.paid", b"order.refunded"), headers), 400),
            "stale": (post(port, body, stale), 400),
        }
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    failed = {name: got for name, (got, want) in results.items() if got != want}
    if failed:
        print(f"self-test failed: {failed} (expected {results})", file=sys.stderr)
        return 1
    print("self-test ok: valid delivery accepted, tampered and stale ones refused")
    return 0


def serve(host: str, port: int) -> int:
    secret = os.environ.get("PLATFORM_WEBHOOK_SECRET")
    if not secret:
        print("set PLATFORM_WEBHOOK_SECRET to the endpoint's signing secret", file=sys.stderr)
        return 2
    server = ThreadingHTTPServer((host, port), make_handler(secret))
    print(f"listening on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify Platform webhook deliveries.")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--self-test", action="store_true", help="check itself and exit (default)")
    mode.add_argument("--serve", action="store_true", help="receive deliveries until Ctrl-C")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    return serve(args.host, args.port) if args.serve else self_test()


if __name__ == "__main__":
    sys.exit(main())
