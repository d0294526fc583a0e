"""`platform products images …` and `platform users avatar …` against the live server."""

from __future__ import annotations

import uuid
from pathlib import Path

from platform_sdk import Client
from tests.cli.conftest import Cli
from tests.images import FAKE_EXE, picture, size_of


def test_product_images_verbs(admin_cli: Cli, sdk: Client, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:10]
    product = sdk.products.create(sku=f"CLI-{tag}", name="Pictured", price="2.00", category=tag)
    first_file, second_file = tmp_path / "front.jpg", tmp_path / "back.png"
    first_file.write_bytes(picture("JPEG", (640, 480)))
    second_file.write_bytes(picture("PNG", (200, 100)))
    first = admin_cli.json("products", "images", "add", str(product.id), str(first_file))
    assert (first["filename"], first["width"], first["height"]) == ("front.jpg", 640, 480)
    # A product is named by id or, as people do, by its SKU.
    second = admin_cli.json("products", "images", "add", product.sku, str(second_file), "--primary")
    assert second["is_primary"] is True

    table = admin_cli.ok("products", "images", "list", product.sku).stdout
    assert "back.png" in table and "front.jpg" in table and "640" in table
    listed = admin_cli.json("products", "images", "list", str(product.id))
    assert [i["id"] for i in listed] == [second["id"], first["id"]]

    out = tmp_path / "small.jpg"
    admin_cli.ok(
        "products",
        "images",
        "download",
        product.sku,
        first["id"],
        "--variant",
        "200",
        "-O",
        str(out),
    )
    assert size_of(out.read_bytes()) == (200, 150)

    admin_cli.ok("products", "images", "set-primary", product.sku, first["id"])
    assert sdk.products.images.list(product.id).data[0].is_primary
    removed = admin_cli.ok("products", "images", "remove", product.sku, second["id"], "--yes")
    assert "Removed image" in removed.stdout
    assert [str(i.id) for i in sdk.products.images.list(product.id)] == [first["id"]]

    missing = admin_cli.run("products", "images", "remove", str(product.id), second["id"], "--yes")
    assert missing.exit_code == 5, missing.output
    bad = tmp_path / "setup.jpg"
    bad.write_bytes(FAKE_EXE)
    refused = admin_cli.run("products", "images", "add", str(product.id), str(bad))
    assert refused.exit_code != 0
    assert "not a JPEG, PNG or WebP image" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_avatar_verbs(admin_cli: Cli, sdk: Client, tmp_path: Path) -> None:
    source = tmp_path / "me.jpg"
    source.write_bytes(picture("JPEG", (800, 800)))
    profile = admin_cli.json("users", "avatar", "set", str(source))
    assert "/avatar?v=" in profile["avatar_url"]
    out = tmp_path / "avatar.jpg"
    admin_cli.ok("users", "avatar", "download", "me", "-O", str(out))
    assert size_of(out.read_bytes()) == (512, 512)
    cleared = admin_cli.json("users", "avatar", "remove")
    assert cleared["avatar_url"] is None
