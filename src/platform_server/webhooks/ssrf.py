"""Keeping webhook deliveries away from the server's own network (SSRF).

A target URL is http(s) with a host. Its host is resolved and every address checked:

* always refused: link-local (169.254.0.0/16, fe80::/10) and cloud metadata addresses
  (169.254.169.254, fd00:ec2::254, 100.100.100.200, the name metadata.google.internal);
* refused unless ``webhooks_allow_private`` is set (local development): loopback, private,
  unique-local, shared/CGNAT (100.64.0.0/10), unspecified, multicast, reserved and any
  other address that is not globally routable.

The check runs when an endpoint is saved and again at every delivery, and a delivery
connects to the address that was checked (``pinned_request``): a DNS answer that changes
between the check and the connection (DNS rebinding) cannot redirect it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

__all__ = [
    "METADATA_ADDRESSES",
    "METADATA_HOSTNAMES",
    "Target",
    "UnsafeURL",
    "check_address",
    "check_url",
    "parse_url",
    "pinned_request",
    "resolve",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
METADATA_HOSTNAMES = frozenset({"metadata.google.internal", "metadata"})
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_SCHEMES = ("http", "https")
RESOLVE_TIMEOUT_SECONDS = 5.0


class UnsafeURL(ValueError):
    """The URL may not be a webhook target; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked URL and the addresses its host resolved to, all of them allowed."""

    url: httpx.URL
    host: str  # lower case, without a trailing dot
    port: int
    addresses: tuple[IPAddress, ...]


def parse_url(raw: str) -> httpx.URL:
    """The URL, if it is http(s) with a host; raises ``UnsafeURL`` otherwise."""
    if not raw or raw != raw.strip() or any(c.isspace() for c in raw):
        raise UnsafeURL("must be an absolute http:// or https:// URL without spaces")
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        raise UnsafeURL(f"is not a valid URL: {error}") from None
    if url.scheme not in _SCHEMES:
        raise UnsafeURL("must use http or https")
    if not url.host:
        raise UnsafeURL("must have a host")
    # What DNS can name (RFC 1035): a longer one is refused here, not by the resolver.
    labels = url.host.rstrip(".").split(".")
    if len(url.host) > 253 or any(len(label) > 63 for label in labels):
        raise UnsafeURL("has a host name longer than DNS allows")
    try:
        _ = url.port
    except ValueError as error:  # pragma: no cover - httpx rejects bad ports when parsing
        raise UnsafeURL(f"has an invalid port: {error}") from None
    return url


def _host(url: httpx.URL) -> str:
    return url.host.lower().rstrip(".")


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


NAT64_NETWORKS = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


def _embedded(ip: IPAddress) -> list[IPAddress]:
    """The address and any IPv4 address carried inside an IPv6 one."""
    found: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            found.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            found.append(ip.sixtofour)
        if ip.teredo is not None:
            found.append(ip.teredo[1])
        if any(ip in net for net in NAT64_NETWORKS):  # the IPv4 address is the last 32 bits
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _always_refused(ip: IPAddress) -> str | None:
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_link_local:
        return "a link-local address"
    return None


def _private_reason(ip: IPAddress) -> str | None:
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_multicast:
        return "a multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
        return "a shared (CGNAT) address"
    if isinstance(ip, ipaddress.IPv6Address) and ip in ipaddress.ip_network("fc00::/7"):
        return "a unique-local address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "an address that is not publicly routable"
    return None


def check_address(ip: IPAddress, *, allow_private: bool) -> None:
    """Raises ``UnsafeURL`` if a delivery may not connect to ``ip``."""
    for candidate in _embedded(ip):
        reason = _always_refused(candidate)
        if reason is None and not allow_private:
            reason = _private_reason(candidate)
        if reason is not None:
            raise UnsafeURL(f"resolves to {ip}, {reason}; webhooks only go to public addresses")


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address of ``host`` (an IP literal is its own), in the resolver's order.

    Raises ``OSError`` (``socket.gaierror``) when the name does not resolve and
    ``TimeoutError`` when the resolver does not answer in time.
    """
    literal = _literal(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = _literal(str(sockaddr[0]))
        if ip is not None and ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, "no addresses")
    return addresses


def _check_name(host: str) -> None:
    if host in METADATA_HOSTNAMES:
        raise UnsafeURL(f"names {host}, a cloud metadata service")


async def check_url(raw: str, *, allow_private: bool, require_resolution: bool = True) -> Target:
    """Parse, resolve and check a target; raises ``UnsafeURL``.

    With ``require_resolution=False`` (saving an endpoint) a name that does not resolve
    (yet) is accepted with no addresses: every delivery checks it again. Deliveries
    pass True, and a name that does not resolve then raises ``OSError``.
    """
    url = parse_url(raw)
    host, port = _host(url), _port(url)
    _check_name(host)
    # RFC 6761: these names are loopback wherever they are looked up. Refused without a
    # lookup, so a resolver that is slow to answer cannot let one through unchecked.
    if not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise UnsafeURL(f"names {host}, a loopback address; webhooks only go to public addresses")
    try:
        addresses = await resolve(host, port)
    except (OSError, TimeoutError):
        if require_resolution:
            raise
        return Target(url=url, host=host, port=port, addresses=())
    for ip in addresses:
        check_address(ip, allow_private=allow_private)
    return Target(url=url, host=host, port=port, addresses=tuple(addresses))


def pinned_request(
    client: httpx.AsyncClient,
    target: Target,
    ip: IPAddress,
    *,
    content: bytes,
    headers: dict[str, str],
) -> httpx.Request:
    """A POST to ``target`` that connects to the checked address ``ip``.

    The URL names the address, the ``Host`` header the original host (and port), and for
    https the TLS server name (SNI, and the name the certificate is verified against) is
    the original host, so virtual hosting and certificates work as with the name.
    """
    url = target.url.copy_with(host=str(ip), fragment=None)
    netloc = target.url.netloc.decode("ascii")
    named = _literal(target.host) is None
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" and named else {}
    return client.build_request(
        "POST", url, content=content, headers={**headers, "Host": netloc}, extensions=extensions
    )
