"""Client address of a request, and matching it against the allowed-IP list."""

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless TRUSTED_PROXY_HEADER is configured.

    With N trusted proxies in front (TRUSTED_PROXY_COUNT), the client is the N-th address from
    the right of the header: everything left of it could have been written by the client itself.
    """
    cached = getattr(request, "_jangteo_client_ip", None)
    if cached is not None:
        return cached or None
    address = request.META.get("REMOTE_ADDR") or ""
    header = settings.TRUSTED_PROXY_HEADER
    if header and request.META.get(header):
        hops = [hop.strip() for hop in request.META[header].split(",") if hop.strip()]
        count = settings.TRUSTED_PROXY_COUNT
        if len(hops) >= count:
            address = hops[-count]
    address = _valid_or_empty(address)
    request._jangteo_client_ip = address
    return address or None


def _valid_or_empty(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def axes_client_ip(request: HttpRequest) -> str | None:
    return client_ip(request)


def ip_in_networks(address: str | None, networks: Iterable[IPNetwork]) -> bool:
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip.version == net.version and ip in net for net in networks)
