"""Which webhook endpoints the server refuses to call: addresses in blocked networks (SSRF guard).

A subscription's URL is typed by an admin with the settings right, but the server makes the call and
the attempt log shows the start of the answer: without a guard a URL could read the cloud's
metadata service (169.254.169.254) or a service listening on the server itself. The office LAN
(10/8, 172.16/12, 192.168/16) stays allowed by default: a self-hosted ERP or POS there is the usual
subscriber. The blocked list is a setting (WEBHOOK_BLOCKED_NETWORKS).

``url_blocked_literal`` needs no DNS (used when a subscription is saved); ``url_blocked_resolved``
resolves the host and checks every address (used right before each real send). A name that
resolves differently between that check and httpx's own lookup (DNS rebinding) is not covered.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_BLOCKED_NETWORKS = (
    "127.0.0.0/8",  # this machine
    "::1/128",
    "0.0.0.0/8",  # "this host" (0.0.0.0 reaches local listeners on Linux)
    "::/128",
    "169.254.0.0/16",  # link-local: cloud metadata services
    "fe80::/10",
    "100.100.100.200/32",  # Alibaba Cloud metadata
    "fd00:ec2::254/128",  # AWS metadata over IPv6
    "224.0.0.0/4",  # multicast
    "ff00::/8",
)
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def networks_parse(values: Iterable[str]) -> list[Network]:
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip()]


def _normal(address: Address) -> Address:
    # ::ffff:127.0.0.1 is 127.0.0.1 to the kernel.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def address_blocked(address: str, networks: Iterable[Network]) -> bool:
    try:
        parsed = _normal(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:
        return False
    return any(parsed.version == net.version and parsed in net for net in networks)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def url_blocked_literal(url: str, networks: Iterable[Network]) -> str | None:
    """The blocked address when the URL names one directly (or says localhost), else None."""
    networks = list(networks)
    host = _host(url)
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return host if networks_block_loopback(networks) else None
    return host if address_blocked(host, networks) else None


def networks_block_loopback(networks: Iterable[Network]) -> bool:
    return any(address_blocked(probe, networks) for probe in ("127.0.0.1", "::1"))


def url_blocked_resolved(
    url: str, networks: Iterable[Network], *, resolve: Callable[..., list] = socket.getaddrinfo
) -> str | None:
    """The first blocked address the URL's host resolves to, else None (also when it does not
    resolve: the send then fails with httpx's own error, which is logged)."""
    networks = list(networks)
    literal = url_blocked_literal(url, networks)
    if literal is not None:
        return literal
    host = _host(url)
    if not host:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        return None
    for info in infos:
        address = str(info[4][0])
        if address_blocked(address, networks):
            return address
    return None
