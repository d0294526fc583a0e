"""Unit tests of the SSRF guard: no network (resolution is replaced where a name is used)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import httpx
import pytest

from platform_server.webhooks import ssrf


def check(url: str, *, allow_private: bool = False, **kw: Any) -> ssrf.Target:
    return asyncio.run(ssrf.check_url(url, allow_private=allow_private, **kw))


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names resolve to whatever the test puts here; anything else does not resolve."""
    answers: dict[str, list[str]] = {}

    async def fake_getaddrinfo(
        self: Any, host: str, port: int, *args: Any, **kwargs: Any
    ) -> list[Any]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        result = []
        for address in answers[host]:
            if ":" in address:
                result.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                result.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return result

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", fake_getaddrinfo)
    return answers


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "example.com/hook",
        "http://",
        "https:///path",
        " http://example.com/",
        "http://exa mple.com/",
        "",
    ],
)
def test_only_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(ssrf.UnsafeURL):
        ssrf.parse_url(url)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",  # CGNAT
        "100.127.255.254",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",  # unique-local
        "fd12:3456::1",
        "ff02::1",  # multicast
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.1.2.3",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    ],
)
def test_private_addresses_are_refused_unless_allowed(address: str) -> None:
    ip = ipaddress.ip_address(address)
    with pytest.raises(ssrf.UnsafeURL, match="public addresses"):
        ssrf.check_address(ip, allow_private=False)
    ssrf.check_address(ip, allow_private=True)


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "169.254.0.1",
        "fe80::1",
        "fd00:ec2::254",
        "100.100.100.200",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",  # 169.254.169.254 through NAT64
        "64:ff9b:1::a9fe:a9fe",
    ],
)
def test_link_local_and_metadata_are_always_refused(address: str) -> None:
    ip = ipaddress.ip_address(address)
    for allow_private in (False, True):
        with pytest.raises(ssrf.UnsafeURL):
            ssrf.check_address(ip, allow_private=allow_private)


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    ssrf.check_address(ipaddress.ip_address(address), allow_private=False)


def test_literal_addresses_need_no_resolver(dns: dict[str, list[str]]) -> None:
    target = check("https://93.184.215.14:8443/hook?x=1")
    assert target.addresses == (ipaddress.ip_address("93.184.215.14"),)
    assert (target.host, target.port) == ("93.184.215.14", 8443)
    assert check("http://[2606:4700::1111]/").addresses == (
        ipaddress.ip_address("2606:4700::1111"),
    )
    with pytest.raises(ssrf.UnsafeURL, match="loopback"):
        check("http://[::1]:8080/")
    with pytest.raises(ssrf.UnsafeURL, match="link-local"):
        check("http://169.254.10.10/", allow_private=True)


def test_every_resolved_address_is_checked(dns: dict[str, list[str]]) -> None:
    dns["hooks.example.com"] = ["93.184.215.14", "2606:4700::1111"]
    target = check("https://Hooks.Example.COM./in")
    assert target.host == "hooks.example.com" and target.port == 443
    assert len(target.addresses) == 2

    # One bad address among good ones is enough to refuse the name.
    dns["mixed.example.com"] = ["93.184.215.14", "10.0.0.7"]
    with pytest.raises(ssrf.UnsafeURL, match=r"10\.0\.0\.7, a private address"):
        check("https://mixed.example.com/")
    assert check("https://mixed.example.com/", allow_private=True).addresses

    dns["rebind.example.com"] = ["169.254.169.254"]
    with pytest.raises(ssrf.UnsafeURL, match="metadata"):
        check("http://rebind.example.com/", allow_private=True)


def test_metadata_names_are_refused_without_resolving(dns: dict[str, list[str]]) -> None:
    for url in (
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.google.internal./",
    ):
        with pytest.raises(ssrf.UnsafeURL, match="metadata"):
            check(url, allow_private=True)


def test_localhost_names_are_refused_without_resolving(dns: dict[str, list[str]]) -> None:
    # The fake resolver knows none of these: a lookup would be "not found", which an
    # endpoint being saved is allowed (require_resolution=False). They are refused anyway.
    for url in ("http://localhost/hook", "http://LOCALHOST.:8080/", "http://api.localhost/x"):
        with pytest.raises(ssrf.UnsafeURL, match="loopback"):
            check(url, require_resolution=False)
    dns["localhost"] = ["127.0.0.1"]
    assert check("http://localhost/hook", allow_private=True).addresses


def test_unresolvable_names(dns: dict[str, list[str]]) -> None:
    # Saving an endpoint: accepted (no addresses yet); a delivery: an error.
    target = check("https://hooks.invalid/x", require_resolution=False)
    assert target.addresses == ()
    with pytest.raises(OSError):
        check("https://hooks.invalid/x")


def test_pinned_request_connects_to_the_checked_address() -> None:
    target = ssrf.Target(
        url=httpx.URL("https://user:pw@hooks.example.com:8443/in?a=1#frag"),
        host="hooks.example.com",
        port=8443,
        addresses=(ipaddress.ip_address("93.184.215.14"),),
    )
    client = httpx.AsyncClient()
    try:
        request = ssrf.pinned_request(
            client, target, target.addresses[0], content=b"{}", headers={"X-A": "b"}
        )
    finally:
        asyncio.run(client.aclose())
    assert request.url.host == "93.184.215.14"
    assert str(request.url) == "https://user:pw@93.184.215.14:8443/in?a=1"
    assert request.headers["host"] == "hooks.example.com:8443"
    assert request.headers["x-a"] == "b"
    assert request.extensions["sni_hostname"] == "hooks.example.com"

    plain = ssrf.Target(
        url=httpx.URL("http://hooks.example.com/in"),
        host="hooks.example.com",
        port=80,
        addresses=(ipaddress.ip_address("2606:4700::1111"),),
    )
    client = httpx.AsyncClient()
    try:
        request = ssrf.pinned_request(client, plain, plain.addresses[0], content=b"", headers={})
    finally:
        asyncio.run(client.aclose())
    assert str(request.url) == "http://[2606:4700::1111]/in"
    assert request.headers["host"] == "hooks.example.com"
    assert "sni_hostname" not in request.extensions


def test_audited_urls_lose_credentials_and_query() -> None:
    from platform_server.webhooks.service import redacted_url

    url = "https://user:pass@hooks.example.com:8443/services/T0/B1?token=abc"
    assert redacted_url(url) == "https://hooks.example.com:8443/services/T0/B1?…"
    assert redacted_url("https://example.com/h") == "https://example.com/h"
