"""The address of the person at the keyboard, as the sign-in limits count it.

Behind a load balancer or reverse proxy every request arrives from the proxy's own address, so
counting `REMOTE_ADDR` puts everyone in one bucket: ten wrong passwords from one person lock
out the whole council. Each proxy appends the address it received the request from to
`X-Forwarded-For`, so with N proxies of our own in front, the client is the N-th entry from the
right. Entries further left were written by the client and prove nothing.

`TRUSTED_PROXY_COUNT` says how many proxies we run (0, the default, trusts no header). allauth's
rate limits (through the account adapter) and django-axes (`AXES_CLIENT_IP_CALLABLE`) both ask
this one function, so they always agree on who someone is."""

import ipaddress
import logging
import re

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

# What proxies write besides a bare address: IPv4 with a port, IPv6 in brackets with or without one.
_IPV4_WITH_PORT = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}")
_BRACKETED = re.compile(r"\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?")


def _address(value: str) -> str | None:
    text = value.strip()
    if match := _IPV4_WITH_PORT.fullmatch(text) or _BRACKETED.fullmatch(text):
        text = match.group(1)
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if proxies > 0 else ""
    if not forwarded:
        return remote
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: the request skipped the outer ones (a health probe from
    # inside, say), so the leftmost entry is still one our own proxy wrote.
    written_by_our_proxy = hops[-proxies] if len(hops) >= proxies else hops[0]
    address = _address(written_by_our_proxy)
    if address is None:
        # Everyone whose entry cannot be read shares the proxy's bucket: worth knowing about.
        logger.warning(
            "X-Forwarded-For entry %r is not an address; counting the connection's %s instead.",
            written_by_our_proxy.strip()[:100],
            remote,
        )
        return remote
    return address
