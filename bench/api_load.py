"""Load figures for the API on a live server (loopback only, bounded).

    python bench/api_load.py --base-url http://127.0.0.1:8000 \
        --email admin@demo.platform.test --password '…' [--concurrency 32]

Scenarios: liveness, the signed-in user, the users list (20 per page), and
registration. Later issues add catalog and order scenarios here.
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from collections.abc import Awaitable

import httpx
from loadgen import Result, run, summary


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--requests", type=int, default=5000, help="per scenario, at most")
    parser.add_argument("--seconds", type=float, default=20, help="per scenario, at most")
    args = parser.parse_args()

    async with httpx.AsyncClient(base_url=args.base_url, timeout=30) as client:
        login = await client.post(
            "/api/v1/auth/login", json={"email": args.email, "password": args.password}
        )
    login.raise_for_status()
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    bounds = {"concurrency": args.concurrency, "requests": args.requests, "seconds": args.seconds}

    def register(client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        return client.post(
            "/api/v1/users",
            json={
                "email": f"bench-{uuid.uuid4().hex}@example.com",
                "password": "velvet-tundra-63",
                "name": "Bench",
            },
        )

    results: list[Result] = [
        await run(args.base_url, "GET /healthz", lambda c: c.get("/healthz"), **bounds),
        await run(
            args.base_url,
            "GET /api/v1/users/me",
            lambda c: c.get("/api/v1/users/me"),
            headers=auth,
            **bounds,
        ),
        await run(
            args.base_url,
            "GET /api/v1/users?limit=20",
            lambda c: c.get("/api/v1/users", params={"limit": 20}),
            headers=auth,
            **bounds,
        ),
        await run(
            args.base_url,
            "POST /api/v1/users (argon2id)",
            register,  # type: ignore[arg-type]
            concurrency=args.concurrency,
            requests=min(args.requests, 500),
            seconds=args.seconds,
        ),
    ]
    print(f"concurrency {args.concurrency}")
    print(summary(results))


if __name__ == "__main__":
    asyncio.run(main())
