"""Lookups of links and codes are limited per address (the core's `client_ip`) and per code,
in a window, so codes cannot be guessed by trying many. Counters live in the cache (Redis)."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from academy.client_ip import client_ip

from .codes import normalise_code, secret_hash


def _count(key: str) -> int:
    window = settings.ASYE_FEEDBACK_LOOKUP_WINDOW_SECONDS
    bucket = int(timezone.now().timestamp()) // window
    counter = f"asye:feedback:lookups:{key}:{bucket}"
    cache.add(counter, 0, timeout=window * 2)
    try:
        return int(cache.incr(counter))
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=window * 2)
        return 1


def lookup_allowed(request: HttpRequest, *, code: str = "") -> bool:
    """Count one lookup from this address (and of this code); False once either is over."""
    allowed = _count(f"ip:{client_ip(request)}") <= settings.ASYE_FEEDBACK_LOOKUPS_PER_ADDRESS
    normal = normalise_code(code)
    if normal:
        # The code is counted by its hash: the cache never holds it in clear.
        allowed = _count(f"code:{secret_hash(normal)}") <= settings.ASYE_FEEDBACK_LOOKUPS_PER_CODE and allowed
    return allowed
