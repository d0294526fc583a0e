"""The same tour with AsyncClient, creating users concurrently.

Needs PLATFORM_BASE_URL, PLATFORM_EMAIL and PLATFORM_PASSWORD (an admin).
Exits non-zero when anything fails.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

from platform_sdk import AsyncClient, NotFoundError, PlatformError


async def main() -> int:
    email, password = os.environ["PLATFORM_EMAIL"], os.environ["PLATFORM_PASSWORD"]
    run = uuid.uuid4().hex[:8]
    async with AsyncClient() as client:
        await client.auth.login(email=email, password=password)
        me = await client.users.me()
        print(f"signed in as {me.email} ({me.role})")

        created = await asyncio.gather(
            *(
                client.users.create(
                    email=f"async-{run}-{i}@example.com",
                    password="amber-kettle-glade-7",
                    name=f"Async {i}",
                )
                for i in range(5)
            )
        )
        print(f"created {len(created)} users concurrently")

        first = await client.users.list(limit=2, q=f"async-{run}")
        pages = [page async for page in first.iter_pages()]
        listed = [user.email async for user in first]
        # The call itself is async-iterable too: every item of every page, no await.
        walked = [user.email async for user in client.users.list(limit=2, q=f"async-{run}")]
        print(f"listed {len(listed)} users over {len(pages)} pages of 2")
        if len(listed) != len(created) or len(pages) < 3 or walked != listed:
            raise SystemExit("pagination did not return every created user")

        key = await client.api_keys.create(name=f"async-{run}")
        async with AsyncClient(api_key=key.key) as by_key:
            print(f"API key {key.prefix}… authenticates as {(await by_key.users.me()).email}")
        await client.api_keys.revoke(key.id)

        try:
            await client.users.get(uuid.uuid4())
        except NotFoundError as error:
            print(f"as expected: {error}")
        else:
            raise SystemExit("a random id was found")

        await asyncio.gather(*(client.users.delete(user.id) for user in created))
        await client.auth.logout()
    print("ok")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except PlatformError as error:
        print(f"failed: {error}", file=sys.stderr)
        sys.exit(1)
