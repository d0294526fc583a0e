"""Builders of fake server answers shared by the SDK unit tests."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import httpx

from platform_sdk import RetryPolicy

BASE_URL = "http://platform.test"
NO_JITTER = RetryPolicy(jitter=0.0)


def user_json(**overrides: Any) -> dict[str, Any]:
    user = {
        "id": str(uuid.uuid4()),
        "email": "ada@example.com",
        "name": "Ada",
        "role": "customer",
        "status": "active",
        "created_at": "2026-11-25T08:00:00.123456Z",
        "updated_at": "2026-11-25T08:00:00.123456Z",
    }
    user.update(overrides)
    return user


def problem(
    status: int, title: str, detail: str, request_id: str = "req-1", **extra: Any
) -> dict[str, Any]:
    return {
        "type": f"/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "/api/v1/users",
        "request_id": request_id,
        **extra,
    }


def problem_response(
    status: int, *, headers: dict[str, str] | None = None, **kw: Any
) -> httpx.Response:
    body = problem(status, kw.pop("title", "Error"), kw.pop("detail", "it failed"), **kw)
    return httpx.Response(
        status,
        json=body,
        headers={
            "content-type": "application/problem+json",
            "x-request-id": body["request_id"],
            **(headers or {}),
        },
    )


def jwt(exp: float | None = None, sub: str = "u1") -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims: dict[str, Any] = {"sub": sub}
    if exp is not None:
        claims["exp"] = int(exp)
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2ln"


def token_pair(
    access: str | None = None, refresh: str = "refresh-2", expires_in: int = 900
) -> dict[str, Any]:
    return {
        "access_token": access or jwt(time.time() + expires_in, sub="fresh"),
        "refresh_token": refresh,
        "token_type": "bearer",
        "expires_in": expires_in,
    }
