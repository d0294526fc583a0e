"""The orphan sweep: objects no row names go, those in use and young ones stay."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from typer.testing import CliRunner

from platform_cli.main import app as cli_app
from platform_server.core.settings import Settings
from platform_server.storage.base import random_key
from platform_server.storage.factory import open_storage
from tests.images import picture
from tests.server.commerce.conftest import API
from tests.server.conftest import own_server
from tests.server.files.conftest import upload
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD


def put_orphan(settings: Settings, prefix: str) -> str:
    """An object as a crash between writing it and committing its row leaves it."""

    async def go() -> str:
        storage = open_storage(settings)
        key = random_key(prefix)
        await storage.put_bytes(key, b"orphan", content_type="image/jpeg")
        return key

    return asyncio.run(go())


def test_sweep_files_removes_only_orphans(tmp_path: Path) -> None:
    with own_server(tmp_path) as live:
        settings = live.settings
        with httpx.Client(base_url=live.url) as api:
            login = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            token = api.post(f"{API}/auth/login", json=login).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            body = {"sku": "SWEEP-1", "name": "Kept", "price": "1.00", "category": "Sweep"}
            product_id = api.post(f"{API}/products", json=body, headers=headers).json()["id"]
            image = upload(api, product_id, picture(), headers).json()
            avatar = api.put(
                f"{API}/users/me/avatar", files={"file": ("a.png", picture("PNG"))}, headers=headers
            )
            assert avatar.status_code == 200
            body = {**body, "sku": "SWEEP-2", "stock": 1}
            sold = api.post(f"{API}/products", json=body, headers=headers).json()["id"]
            lines = {"items": [{"product_id": sold, "quantity": 1}]}
            order = api.post(f"{API}/orders", json=lines, headers=headers).json()["id"]
            paid = {"payment_method": "pm_card_ok"}
            assert api.post(f"{API}/orders/{order}/payments", json=paid, headers=headers).is_success
            orphans = [put_orphan(settings, p) for p in ("images", "avatars", "invoices")]
            env = {
                "PLATFORM_DATA_DIR": str(settings.data_dir),
                "PLATFORM_DATABASE_URL": settings.resolved_database_url,
                "PLATFORM_JWT_SECRET": settings.signing_secret,
            }
            young = CliRunner().invoke(cli_app, ["server", "sweep-files"], env=env)
            assert young.exit_code == 0, young.output
            assert "Removed 0 orphaned files" in young.output  # younger than an hour
            swept = CliRunner().invoke(
                cli_app, ["server", "sweep-files", "--grace-hours", "0"], env=env
            )
            assert swept.exit_code == 0, swept.output
            assert "Removed 3 orphaned files" in swept.output
            assert "kept 6" in swept.output  # 3 renditions, the avatar, the invoice's PDF and JSON

            async def exists(key: str) -> bool:
                return await open_storage(settings).exists(key)

            assert not any(asyncio.run(exists(k)) for k in orphans)
            assert api.get(image["url"]).status_code == 200
            assert api.get(avatar.json()["avatar_url"], headers=headers).status_code == 200
            assert api.get(f"{API}/orders/{order}/invoice", headers=headers).status_code == 200
