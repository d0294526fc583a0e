"""Product images and avatars through the SDK (sync and async) against the live server:
streaming uploads from a path or file object, streaming downloads to a file, progress."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from tests.images import FAKE_EXE, has_exif, picture, size_of

from platform_sdk import AsyncClient, Client, NotFoundError, UnsupportedMediaTypeError

Live = tuple[str, tuple[str, str]]


def new_product(client: Client) -> str:
    tag = uuid.uuid4().hex[:10]
    made = client.products.create(sku=f"IMG-{tag}", name="Pictured", price="3.00", category=tag)
    return str(made.id)


def test_images_sync(live: Live, tmp_path: Path) -> None:
    url, (email, password) = live
    source = tmp_path / "lamp photo.jpg"
    source.write_bytes(picture("JPEG", (1000, 500), gps=True))
    with Client(url) as client:
        client.auth.login(email=email, password=password)
        product_id = new_product(client)
        seen: list[tuple[int, int | None]] = []
        first = client.products.images.add(
            product_id, source, progress=lambda done, total: seen.append((done, total))
        )
        assert first.filename == "lamp photo.jpg" and first.is_primary
        assert seen and seen[-1] == (source.stat().st_size, source.stat().st_size)
        # From an open file object, from where it stands.
        buffer = io.BytesIO(b"ignored" + picture("PNG", (300, 300)))
        buffer.seek(7)
        second = client.products.images.add(product_id, buffer, filename="b.png")
        assert second.content_type == "image/png"
        assert [i.id for i in client.products.get(product_id).images] == [first.id, second.id]

        target = tmp_path / "out.jpg"
        got = client.products.images.download(product_id, first.id, target, variant="800")
        assert got.path == target and got.size_bytes == target.stat().st_size
        assert got.content_type == "image/jpeg" and got.etag
        assert size_of(target.read_bytes()) == (800, 400)
        assert not has_exif(target.read_bytes())
        sink = io.BytesIO()
        client.products.images.download(product_id, second.id, sink)
        assert size_of(sink.getvalue()) == (300, 300)

        order = client.products.images.reorder(product_id, [second.id, first.id])
        assert [i.id for i in order] == [first.id, second.id]  # the primary stays first
        assert client.products.images.set_primary(product_id, second.id).is_primary
        client.products.images.remove(product_id, first.id)
        assert [i.id for i in client.products.images.list(product_id)] == [second.id]
        with pytest.raises(NotFoundError):
            client.products.images.download(product_id, first.id, tmp_path / "gone")
        with pytest.raises(UnsupportedMediaTypeError):
            client.products.images.add(product_id, io.BytesIO(FAKE_EXE), filename="x.jpg")


@pytest.mark.anyio
async def test_images_and_avatars_async(live: Live, tmp_path: Path) -> None:
    url, (email, password) = live
    source = tmp_path / "me.webp"
    source.write_bytes(picture("WEBP", (900, 900)))
    async with AsyncClient(url) as client:
        await client.auth.login(email=email, password=password)
        tag = uuid.uuid4().hex[:10]
        product = await client.products.create(
            sku=f"IMG-{tag}", name="Async", price="1.00", category=tag
        )
        image = await client.products.images.add(product.id, source)
        listed = await client.products.images.list(product.id)
        assert [i.id async for i in listed] == [image.id]
        got = await client.products.images.download(product.id, image.id, tmp_path / "a.webp")
        assert size_of((tmp_path / "a.webp").read_bytes()) == (900, 900)
        assert got.size_bytes == image.size_bytes

        profile = await client.users.avatar.set(source)
        assert profile.avatar_url and "/avatar?v=" in profile.avatar_url
        saved = await client.users.avatar.download(profile.user_id, tmp_path / "avatar.webp")
        assert saved.content_type == "image/webp"
        assert size_of((tmp_path / "avatar.webp").read_bytes()) == (512, 512)
        cleared = await client.users.avatar.remove()
        assert cleared.avatar_url is None
