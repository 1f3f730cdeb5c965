"""The client's address, the one rule for every reader (the audit trail, the login lockout).

Behind nginx every request's REMOTE_ADDR is the proxy's. The proxy appends the address it saw to
X-Forwarded-For, and a client can send that header with anything in it, so the header is believed
only when the request came from a proxy listed in TRUSTED_PROXIES, and then only from its right
end: the rightmost address that is not itself a trusted proxy is the client (anything to its left
the client could have written). Without TRUSTED_PROXIES the header is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str | None) -> bool:
    parsed = _parse(address or "")
    if parsed is None:
        return False
    return any(parsed in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, from a trusted proxy, the rightmost address of
    X-Forwarded-For that is not a trusted proxy. A malformed header falls back to the peer."""
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR") or None
    if not is_trusted_proxy(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _parse(hop)
        if address is None:
            return peer  # a hop we cannot read: trust nothing to its left either
        if not is_trusted_proxy(str(address)):
            return str(address)
    return peer
