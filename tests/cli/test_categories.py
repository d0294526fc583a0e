"""`platform categories rename`: asks first, previews with --dry-run, refuses a merge
without --merge, and says so when no product has the category."""

from __future__ import annotations

import json

from platform_sdk import Client
from tests.cli.conftest import Cli
from tests.cli.test_products import make, tag


def test_rename_moves_every_product(admin_cli: Cli, sdk: Client) -> None:
    t = tag()
    old, new, other = f"cli-typo-{t}", f"cli-fixed-{t}", f"cli-other-{t}"
    lamp = make(sdk, old, f"CR{t}-1")
    make(sdk, old, f"CR{t}-2", status="archived")
    make(sdk, other, f"CR{t}-3")

    preview = admin_cli.ok("categories", "rename", old, new, "--dry-run")
    assert "rename category" in preview.stdout + preview.stderr
    assert sdk.products.get(lamp.id).category == old
    unasked = admin_cli.run("categories", "rename", old, new)
    assert unasked.exit_code == 2 and "--yes" in unasked.stderr

    renamed = admin_cli.ok("categories", "rename", old, new, "--yes", "-o", "json")
    assert json.loads(renamed.stdout) == {"name": new, "product_count": 2}
    assert sdk.products.get(lamp.id).category == new

    refused = admin_cli.run("categories", "rename", new, other, "--yes")
    assert refused.exit_code == 1 and "merge" in refused.stderr
    table = admin_cli.ok("categories", "rename", new, other, "--merge", "--yes").stdout
    assert table.splitlines() == [f"name\t{other}", "product_count\t3"]

    missing = admin_cli.run("categories", "rename", old, new, "--yes")
    assert missing.exit_code == 5 and f"No product has the category '{old}'" in missing.stderr
    previewed = admin_cli.run("categories", "rename", old, new, "--dry-run")
    assert previewed.exit_code == 5 and f"no product has the category '{old}'" in previewed.stderr
