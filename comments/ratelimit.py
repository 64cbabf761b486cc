"""A per-IP limit on posting comments, counted in the shared cache."""

import ipaddress

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The reader's address; behind N trusted proxies, the Nth from the right of X-Forwarded-For.

    A header that does not hold an address there (misconfigured proxy, forged value)
    falls back to the connecting address.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies:
        try:
            return str(ipaddress.ip_address(forwarded[-proxies]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


def allow_post(ip):
    """Count one attempt; False once this address exceeds the limit in the window."""
    key = f"comments:rate:{ip}"
    window = settings.COMMENTS_RATE_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # Expired between add() and incr().
        cache.set(key, 1, timeout=window)
        attempts = 1
    return attempts <= settings.COMMENTS_RATE_LIMIT
