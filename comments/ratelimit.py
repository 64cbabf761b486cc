"""A per-IP limit on posting comments, counted in the shared cache."""

import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


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
    """Count one attempt; False once this address exceeds the limit in the window.

    With the cache server unreachable the limit is not enforced (and a warning is logged):
    readers keep posting, and every comment still goes through moderation.
    """
    try:
        return _count(f"comments:rate:{ip}") <= settings.COMMENTS_RATE_LIMIT
    except (RedisError, OSError):
        logger.warning("The cache is unreachable: the comment rate limit is off meanwhile.")
        return True


def _count(key):
    window = settings.COMMENTS_RATE_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # Expired between add() and incr().
        cache.set(key, 1, timeout=window)
        return 1
