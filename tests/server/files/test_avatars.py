"""Avatars: upload for oneself or (staff) anyone, served URL in the profile, delete."""

from __future__ import annotations

import httpx

from tests.conftest import Account, assert_problem
from tests.images import FAKE_EXE, has_exif, picture, size_of
from tests.server.commerce.conftest import API


def put_avatar(api: httpx.Client, path: str, data: bytes, headers: object) -> httpx.Response:
    return api.put(
        f"{API}/users/{path}/avatar",
        files={"file": ("me.jpg", data, "image/jpeg")},
        headers=headers,
    )


def test_my_avatar_round_trip(api: httpx.Client, customer: Account) -> None:
    answer = put_avatar(api, "me", picture("JPEG", (1024, 768), gps=True), customer.headers)
    assert answer.status_code == 200, answer.text
    url = answer.json()["avatar_url"]
    assert url.startswith(f"{API}/users/{customer.id}/avatar?v=")
    profile = api.get(f"{API}/users/{customer.id}/profile", headers=customer.headers).json()
    assert profile["avatar_url"] == url
    got = api.get(url, headers=customer.headers)
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["cache-control"].startswith("private")
    assert size_of(got.content) == (512, 384)  # fitted in 512 px
    assert not has_exif(got.content)
    # The profile read can be written back unchanged (avatar_url included) ...
    body = {k: profile[k] for k in ("bio", "avatar_url", "location", "phone")}
    back = api.put(f"{API}/users/{customer.id}/profile", json=body, headers=customer.headers)
    assert back.status_code == 200 and back.json()["avatar_url"] == url
    # ... but not changed by hand.
    body["avatar_url"] = "https://elsewhere.example/a.png"
    forged = api.put(f"{API}/users/{customer.id}/profile", json=body, headers=customer.headers)
    assert_problem(forged, 422, field="avatar_url")

    second = put_avatar(api, "me", picture("PNG", (64, 64)), customer.headers).json()
    assert second["avatar_url"] != url
    assert api.get(second["avatar_url"], headers=customer.headers).headers["content-type"] == (
        "image/png"
    )
    removed = api.delete(f"{API}/users/me/avatar", headers=customer.headers)
    assert removed.status_code == 200 and removed.json()["avatar_url"] is None
    # None uploaded (the user exists): 409, as for an unpaid order's invoice.
    none = api.get(f"{API}/users/{customer.id}/avatar", headers=customer.headers)
    assert "no uploaded avatar" in assert_problem(none, 409)["detail"]


def test_who_may_set_and_see_an_avatar(
    api: httpx.Client, customer: Account, make_user, admin_headers
) -> None:
    other = make_user()
    assert put_avatar(api, other.id, picture(), other.headers).status_code == 200
    assert_problem(put_avatar(api, other.id, picture(), customer.headers), 404)
    assert_problem(api.get(f"{API}/users/{other.id}/avatar", headers=customer.headers), 404)
    assert_problem(api.get(f"{API}/users/{other.id}/avatar"), 401)
    by_admin = put_avatar(api, other.id, picture("WEBP", (100, 100)), admin_headers)
    assert by_admin.status_code == 200, by_admin.text
    seen = api.get(f"{API}/users/{other.id}/avatar", headers=admin_headers)
    assert seen.headers["content-type"] == "image/webp"
    assert api.delete(f"{API}/users/{other.id}/avatar", headers=admin_headers).status_code == 200


def test_bad_avatars(api: httpx.Client, customer: Account) -> None:
    assert_problem(put_avatar(api, "me", FAKE_EXE, customer.headers), 415)
    assert_problem(put_avatar(api, "me", picture(), {}), 401)
    profile = api.get(f"{API}/users/{customer.id}/profile", headers=customer.headers).json()
    assert profile["avatar_url"] is None


def test_deleting_a_user_deletes_the_avatar_file(api: httpx.Client, make_user, server) -> None:
    from pathlib import Path

    user = make_user()
    url = put_avatar(api, "me", picture(), user.headers).json()["avatar_url"]
    objects = Path(server.settings.resolved_storage_dir) / "data" / "avatars"
    before = {p.name for p in objects.rglob("*") if p.is_file()}
    key_tail = url.rsplit("v=", 1)[1]
    assert any(name.endswith(key_tail) for name in before)
    assert api.delete(f"{API}/users/{user.id}", headers=user.headers).status_code == 204
    after = {p.name for p in objects.rglob("*") if p.is_file()}
    assert not any(name.endswith(key_tail) for name in after)
