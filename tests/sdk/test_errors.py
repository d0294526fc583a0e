from __future__ import annotations

import httpx
import pytest
import respx
from sdk_helpers import problem_response

import platform_sdk
from platform_sdk import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PaymentRequiredError,
    PermissionDeniedError,
    PlatformError,
    RateLimitError,
    ServiceUnavailableError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
)

USER_ID = "9f6c2a53-3a59-4d0e-8a57-2b8f5d3f1b10"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, PaymentRequiredError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, APIStatusError),
        (409, ConflictError),
        (413, PayloadTooLargeError),
        (415, UnsupportedMediaTypeError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, ServiceUnavailableError),
    ],
)
def test_status_maps_to_error_class(
    client: Client, api: respx.MockRouter, status: int, error_class: type[APIStatusError]
) -> None:
    api.get(f"/api/v1/users/{USER_ID}").mock(
        return_value=problem_response(status, title="Some title", detail="some detail")
    )
    client = client.with_options(max_retries=0)

    with pytest.raises(APIStatusError) as caught:
        client.users.get(USER_ID)

    assert type(caught.value) is error_class
    assert isinstance(caught.value, PlatformError)
    assert caught.value.status_code == status
    assert caught.value.title == "Some title"
    assert caught.value.detail == "some detail"
    assert caught.value.request_id == "req-1"
    assert caught.value.type == "/problems/some-title"
    assert caught.value.response.status_code == status
    assert isinstance(caught.value.body, dict)


def test_str_is_one_line_with_status_and_request_id(client: Client, api: respx.MockRouter) -> None:
    api.get(f"/api/v1/users/{USER_ID}").mock(
        return_value=problem_response(
            404, title="Not found", detail=f"user {USER_ID} does not exist", request_id="7c1e"
        )
    )

    with pytest.raises(NotFoundError) as caught:
        client.users.get(USER_ID)

    assert str(caught.value) == f"Not found: user {USER_ID} does not exist (404, request 7c1e)"


def test_validation_error_lists_field_errors_briefly(client: Client, api: respx.MockRouter) -> None:
    errors = [
        {"loc": ["body", "email"], "msg": "value is not a valid email address"},
        {"loc": ["body", "password"], "msg": "too short"},
        {"loc": ["body", "name"], "msg": "required"},
        {"loc": ["body", "role"], "msg": "bad role"},
    ]
    api.post("/api/v1/users").mock(
        return_value=problem_response(
            422, title="Validation failed", detail="The request body is invalid.", errors=errors
        )
    )

    with pytest.raises(UnprocessableEntityError) as caught:
        client.users.create(email="nope", password="x", name="")

    assert caught.value.errors == errors
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        "Validation failed: The request body is invalid. [email: value is not a valid email "
        "address; password: too short; name: required; +1 more] (422, request req-1)"
    )


def test_rate_limit_error_carries_retry_after(client: Client, api: respx.MockRouter) -> None:
    api.post("/api/v1/auth/login").mock(
        return_value=problem_response(429, title="Too many requests", headers={"Retry-After": "42"})
    )

    with pytest.raises(RateLimitError) as caught:
        client.auth.login(email="a@example.com", password="wrong-password")

    assert caught.value.retry_after == 42.0
    assert len(api.calls) == 1


def test_error_without_problem_body_uses_text_and_header(
    client: Client, api: respx.MockRouter
) -> None:
    api.get("/api/v1/users/me").mock(
        return_value=httpx.Response(
            502, text="Bad gateway from proxy", headers={"x-request-id": "px"}
        )
    )
    client = client.with_options(max_retries=0)

    with pytest.raises(InternalServerError) as caught:
        client.users.me()

    assert caught.value.title == "Bad Gateway"
    assert caught.value.detail == "Bad gateway from proxy"
    assert caught.value.body == "Bad gateway from proxy"
    assert str(caught.value) == "Bad Gateway: Bad gateway from proxy (502, request px)"


def test_unexpected_success_body_raises_response_validation_error(
    client: Client, api: respx.MockRouter
) -> None:
    api.get("/api/v1/users/me").mock(
        return_value=httpx.Response(200, json={"id": "not-a-uuid"}, headers={"x-request-id": "r9"})
    )

    with pytest.raises(APIResponseValidationError) as caught:
        client.users.me()

    assert caught.value.request_id == "r9"
    assert "(200, request r9)" in str(caught.value)


def test_errors_are_exported_from_package_and_errors_module() -> None:
    for name in platform_sdk.errors.__all__:
        if name[0].isupper():
            assert getattr(platform_sdk, name) is getattr(platform_sdk.errors, name)
    assert issubclass(platform_sdk.APITimeoutError, platform_sdk.APIConnectionError)
    assert issubclass(platform_sdk.APIConnectionError, PlatformError)
