"""The client's address: the socket peer, or what trusted reverse proxies say it is.

`X-Forwarded-For` is believed only when the socket peer is one of
`PLATFORM_TRUSTED_PROXIES`; then the right-most address not itself a trusted proxy is
the client (anything left of it was written by the client and proves nothing). A
malformed header is ignored, as is any header from an untrusted peer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str) -> tuple[Network, ...]:
    """`"10.0.0.0/8, 127.0.0.1"` as networks; raises ValueError on a bad entry."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False)
        for part in value.split(",")
        if part.strip()
    )


class ClientAddress:
    def __init__(self, trusted: Iterable[Network]) -> None:
        self._trusted = tuple(trusted)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self._trusted)

    def peer_is_trusted(self, scope: Scope) -> bool:
        client = scope.get("client")
        return bool(self._trusted and client and self._is_trusted(client[0]))

    def of(self, scope: Scope) -> str | None:
        client = scope.get("client")
        peer: str | None = str(client[0]) if client else None
        if peer is None or not self.peer_is_trusted(scope):
            return peer
        forwarded = _header(scope, b"x-forwarded-for")
        if forwarded is None:
            return peer
        hops = [part.strip() for part in forwarded.split(",")]
        try:
            addresses = [str(ipaddress.ip_address(hop)) for hop in hops]
        except ValueError:
            return peer  # malformed: believe nothing of it
        for address in reversed(addresses):
            if not self._is_trusted(address):
                return address
        return addresses[0] if addresses else peer

    def scheme(self, scope: Scope) -> str:
        """`https` when the request came over TLS, to us or to a trusted proxy."""
        if self.peer_is_trusted(scope):
            proto = _header(scope, b"x-forwarded-proto")
            if proto:
                return proto.split(",")[0].strip().lower()
        return str(scope.get("scheme", "http"))


def _header(scope: Scope, name: bytes) -> str | None:
    values = [v for k, v in scope.get("headers", ()) if k.lower() == name]
    if not values:
        return None
    return ",".join(v.decode("latin-1") for v in values)
