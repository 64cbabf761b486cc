"""Per-IP limits on posting comments and on reporting them, counted in the shared cache."""

import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from redis.exceptions import RedisError

from .models import RateCounter

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
    return _allow(
        "comment",
        f"comments:rate:{ip}",
        settings.COMMENTS_RATE_LIMIT,
        settings.COMMENTS_RATE_WINDOW,
    )


def allow_report(ip):
    """``allow_post`` for readers' reports, with a limit and window of their own."""
    return _allow(
        "report",
        f"comments:report-rate:{ip}",
        settings.COMMENTS_REPORT_RATE_LIMIT,
        settings.COMMENTS_REPORT_RATE_WINDOW,
    )


def _allow(what, key, limit, window):
    try:
        return _count(key, window) <= limit
    except (RedisError, OSError):
        logger.warning("The cache is unreachable: the %s rate limit is off meanwhile.", what)
        return True


def _count(key, window):
    """This attempt's number in the window, counted atomically across every worker.

    Redis counts in the cache (INCR is atomic). Otherwise PostgreSQL does, in one upsert:
    Django's database cache reads then writes, and concurrent posts would slip through.
    """
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # Expired between add() and incr().
            cache.set(key, 1, timeout=window)
            return 1
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, {"key": key, "window": timedelta(seconds=window)})
        return cursor.fetchone()[0]


UPSERT = f"""
INSERT INTO {RateCounter._meta.db_table} AS counter (key, hits, window_ends)
VALUES (%(key)s, 1, now() + %(window)s)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN counter.window_ends <= now() THEN 1 ELSE counter.hits + 1 END,
    window_ends = CASE WHEN counter.window_ends <= now() THEN EXCLUDED.window_ends
                       ELSE counter.window_ends END
RETURNING hits
"""
