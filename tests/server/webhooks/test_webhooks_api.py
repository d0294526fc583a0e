"""The webhook endpoints API on the shared server (private targets refused there).

Endpoints that must stay quiet point at `.invalid` names (never resolvable, RFC 2606):
their deliveries fail on DNS and nothing leaves the machine.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from platform_server.webhooks.service import signing_secrets
from tests.conftest import Account, assert_problem

API = "/api/v1"
ENDPOINT_FIELDS = {
    "id",
    "url",
    "events",
    "active",
    "description",
    "disabled_reason",
    "failing_since",
    "previous_secret_expires_at",
    "created_at",
    "updated_at",
}


def quiet_url() -> str:
    return f"https://hooks-{uuid.uuid4().hex[:8]}.invalid/platform"


def create(
    api: httpx.Client, headers: dict[str, str], **body: Any
) -> tuple[httpx.Response, dict[str, Any]]:
    body.setdefault("url", quiet_url())
    body.setdefault("events", ["order.created", "order.paid"])
    response = api.post(f"{API}/webhooks", json=body, headers=headers)
    return response, body


def created(api: httpx.Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response, _ = create(api, headers, **body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def audit_actions(
    api: httpx.Client, headers: dict[str, str], target_id: str
) -> list[dict[str, Any]]:
    response = api.get(
        f"{API}/audit",
        params={"target_type": "webhook", "target_id": target_id, "limit": 100},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_create_shows_the_secret_once(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    response, body = create(
        api, admin_headers, description="ERP sync", events=["order.paid", "order.created"]
    )
    assert response.status_code == 201, response.text
    endpoint = response.json()
    assert set(endpoint) == ENDPOINT_FIELDS | {"secret"}
    assert endpoint["url"] == body["url"]
    assert endpoint["events"] == ["order.paid", "order.created"]
    assert endpoint["active"] is True and endpoint["description"] == "ERP sync"
    assert endpoint["disabled_reason"] is None and endpoint["failing_since"] is None
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24

    shown = api.get(f"{API}/webhooks/{endpoint['id']}", headers=admin_headers)
    assert shown.status_code == 200
    assert set(shown.json()) == ENDPOINT_FIELDS
    assert secret not in shown.text
    listed = api.get(f"{API}/webhooks", params={"limit": 100}, headers=admin_headers)
    assert listed.status_code == 200
    assert endpoint["id"] in [e["id"] for e in listed.json()["data"]]
    assert '"secret"' not in listed.text and "whsec_" not in listed.text

    [record] = [r for r in audit_actions(api, admin_headers, endpoint["id"])]
    assert record["action"] == "webhook.create"
    assert record["changes"]["url"] == {"before": None, "after": body["url"]}
    assert "secret" not in str(record)


def test_create_is_idempotent_and_a_replay_hides_the_secret(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    key = uuid.uuid4().hex
    body = {"url": quiet_url(), "events": ["*"]}
    headers = {**admin_headers, "Idempotency-Key": key}
    first = api.post(f"{API}/webhooks", json=body, headers=headers)
    assert first.status_code == 201, first.text
    replay = api.post(f"{API}/webhooks", json=body, headers=headers)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert first.json()["secret"] and replay.json()["secret"] is None
    assert first.json()["events"] == ["*"]


def test_events_are_checked(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    response, _ = create(api, admin_headers, events=["order.created", "order.exploded", "nope"])
    body = assert_problem(response, 422, field="events")
    message = str(body["errors"])
    assert "order.exploded" in message and "nope" in message
    assert_problem(create(api, admin_headers, events=[])[0], 422, field="events")
    # "*" wins over anything else; repeats are dropped.
    assert created(api, admin_headers, events=["order.paid", "*"])["events"] == ["*"]
    assert created(api, admin_headers, events=["order.paid", "order.paid"])["events"] == [
        "order.paid"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "ftp://files.example.com/in",
        "file:///etc/passwd",
        "https://",
        "hooks.example.com/in",
        "https://" + "a" * 2000 + ".com/",
    ],
)
def test_bad_urls_are_refused(api: httpx.Client, admin_headers: dict[str, str], url: str) -> None:
    assert_problem(create(api, admin_headers, url=url)[0], 422, field="url")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.20.0.1/hook",
        "http://100.64.12.1/hook",
        "http://0.0.0.0/hook",
        "http://[fd00::1]/hook",
        "http://224.0.0.251/hook",
        "http://240.0.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_private_targets_are_refused(
    api: httpx.Client, admin_headers: dict[str, str], url: str
) -> None:
    body = assert_problem(create(api, admin_headers, url=url)[0], 422, field="url")
    assert "public addresses" in body["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.1.1/",
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_metadata_and_link_local_targets_are_refused(
    api: httpx.Client, admin_headers: dict[str, str], url: str
) -> None:
    assert_problem(create(api, admin_headers, url=url)[0], 422, field="url")


def test_public_addresses_are_accepted(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    # Inactive: nothing is ever sent there.
    endpoint = created(api, admin_headers, url="https://93.184.215.14/in", active=False)
    assert endpoint["active"] is False


def test_update_and_delete(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    endpoint = created(api, admin_headers)
    path = f"{API}/webhooks/{endpoint['id']}"
    new_url = quiet_url()
    changed = api.patch(
        path,
        json={"url": new_url, "events": ["product.created"], "description": "catalog feed"},
        headers=admin_headers,
    )
    assert changed.status_code == 200, changed.text
    data = changed.json()
    assert (data["url"], data["events"], data["description"]) == (
        new_url,
        ["product.created"],
        "catalog feed",
    )
    assert "secret" not in data
    assert data["updated_at"] >= endpoint["updated_at"]
    cleared = api.patch(path, json={"description": None, "active": False}, headers=admin_headers)
    assert cleared.status_code == 200
    assert cleared.json()["description"] is None and cleared.json()["active"] is False

    assert_problem(
        api.patch(path, json={"url": "http://10.0.0.1/"}, headers=admin_headers), 422, field="url"
    )
    assert_problem(
        api.patch(path, json={"events": ["bogus"]}, headers=admin_headers), 422, field="events"
    )
    assert_problem(api.patch(path, json={"url": None}, headers=admin_headers), 422, field="url")
    assert_problem(api.patch(path, json={"secret": "whsec_x"}, headers=admin_headers), 422)
    assert api.get(path, headers=admin_headers).json()["url"] == new_url

    actions = [r["action"] for r in audit_actions(api, admin_headers, endpoint["id"])]
    assert actions.count("webhook.update") == 2
    update = next(
        r
        for r in audit_actions(api, admin_headers, endpoint["id"])
        if r["action"] == "webhook.update" and "url" in r["changes"]
    )
    assert update["changes"]["url"] == {"before": endpoint["url"], "after": new_url}

    deleted = api.delete(path, headers=admin_headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert_problem(api.get(path, headers=admin_headers), 404)
    assert_problem(api.delete(path, headers=admin_headers), 404)
    assert "webhook.delete" in [
        r["action"] for r in audit_actions(api, admin_headers, endpoint["id"])
    ]


def test_rotate_secret(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    endpoint = created(api, admin_headers)
    rotated = api.post(f"{API}/webhooks/{endpoint['id']}/rotate-secret", headers=admin_headers)
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["id"] == endpoint["id"]
    assert body["secret"].startswith("whsec_") and body["secret"] != endpoint["secret"]
    shown = api.get(f"{API}/webhooks/{endpoint['id']}", headers=admin_headers)
    assert body["secret"] not in shown.text
    [record] = [
        r
        for r in audit_actions(api, admin_headers, endpoint["id"])
        if r["action"] == "webhook.rotate_secret"
    ]
    assert body["secret"] not in str(record)
    overlap = record["changes"]["previous_secret_expires_at"]
    assert overlap["before"] is None
    assert (
        overlap["after"] is not None
        and overlap["after"][:19] == (body["previous_secret_expires_at"][:19])
    )


@pytest.mark.parametrize("hours", [-1, 169, "a day", 1.5])
def test_rotate_secret_refuses_a_bad_overlap(
    api: httpx.Client, admin_headers: dict[str, str], hours: Any
) -> None:
    endpoint = created(api, admin_headers)
    refused = api.post(
        f"{API}/webhooks/{endpoint['id']}/rotate-secret",
        json={"previous_secret_hours": hours},
        headers=admin_headers,
    )
    assert_problem(refused, 422, field="previous_secret_hours")
    unknown = api.post(
        f"{API}/webhooks/{endpoint['id']}/rotate-secret", json={"keep": 1}, headers=admin_headers
    )
    assert_problem(unknown, 422, field="keep")


def test_signing_secrets_drop_the_previous_one_when_its_time_is_up() -> None:
    now = datetime.now(UTC)
    later, earlier = now + timedelta(seconds=1), now - timedelta(seconds=1)
    assert signing_secrets("new", "old", later, now) == ("new", "old")
    assert signing_secrets("new", "old", earlier, now) == ("new",)
    assert signing_secrets("new", "old", now, now) == ("new",)
    assert signing_secrets("new", None, later, now) == ("new",)


def test_test_ping_and_deliveries(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    endpoint = created(api, admin_headers)
    base = f"{API}/webhooks/{endpoint['id']}"
    queued = api.post(f"{base}/test", headers=admin_headers)
    assert queued.status_code == 202, queued.text
    ping = queued.json()
    assert ping["event_type"] == "ping" and ping["endpoint_id"] == endpoint["id"]
    assert ping["status"] == "pending" and ping["message_id"].startswith("ping_")
    listed = api.get(f"{base}/deliveries", headers=admin_headers)
    assert listed.status_code == 200
    assert ping["id"] in [d["id"] for d in listed.json()["data"]]
    only_failed = api.get(f"{base}/deliveries", params={"status": "failed"}, headers=admin_headers)
    assert ping["id"] not in [d["id"] for d in only_failed.json()["data"]]
    assert_problem(
        api.get(f"{base}/deliveries", params={"status": "lost"}, headers=admin_headers),
        422,
        field="status",
    )
    detail = api.get(f"{base}/deliveries/{ping['id']}", headers=admin_headers).json()
    assert detail["payload"]["type"] == "ping"
    assert detail["payload"]["webhook_id"] == endpoint["id"]
    assert_problem(api.get(f"{base}/deliveries/{uuid.uuid4()}", headers=admin_headers), 404)


def test_unknown_ids_are_404(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    base = f"{API}/webhooks/{uuid.uuid4()}"
    assert_problem(api.get(base, headers=admin_headers), 404)
    assert_problem(api.patch(base, json={"active": False}, headers=admin_headers), 404)
    assert_problem(api.delete(base, headers=admin_headers), 404)
    assert_problem(api.post(f"{base}/rotate-secret", headers=admin_headers), 404)
    assert_problem(api.post(f"{base}/test", headers=admin_headers), 404)
    assert_problem(api.get(f"{base}/deliveries", headers=admin_headers), 404)
    assert_problem(
        api.post(f"{base}/deliveries/{uuid.uuid4()}/redeliver", headers=admin_headers), 404
    )
    assert_problem(api.get(f"{API}/webhooks/not-a-uuid", headers=admin_headers), 422)


def test_only_admins_manage_webhooks(
    api: httpx.Client, admin_headers: dict[str, str], staff: Account, customer: Account
) -> None:
    endpoint = created(api, admin_headers)
    base = f"{API}/webhooks/{endpoint['id']}"
    for account in (staff, customer):
        headers = account.headers
        assert_problem(create(api, headers)[0], 403)
        assert_problem(api.get(f"{API}/webhooks", headers=headers), 403)
        assert_problem(api.get(base, headers=headers), 403)
        assert_problem(api.patch(base, json={"active": False}, headers=headers), 403)
        assert_problem(api.delete(base, headers=headers), 403)
        assert_problem(api.post(f"{base}/rotate-secret", headers=headers), 403)
        assert_problem(api.post(f"{base}/test", headers=headers), 403)
        assert_problem(api.get(f"{base}/deliveries", headers=headers), 403)
    assert_problem(api.get(f"{API}/webhooks"), 401)
    assert api.get(base, headers=admin_headers).json()["active"] is True
