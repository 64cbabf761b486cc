"""Reads from a streaming replica, writes to the primary, and every writer reads back its writes.

With DATABASE_REPLICA_URL set, settings add a ``replica`` database and ``ReplicaRouter``. A
replica replays the primary's changes a moment later, so a read goes to it only where that
moment cannot mislead anyone:

- in a request (``ReplicaMiddleware`` says so): management commands, the task worker and the
  shell read the primary, so a job finds the comment its request has just stored;
- for GET, HEAD, OPTIONS and TRACE: a form being sent checks what it changes on the primary;
- from a browser that sent no change in the last DATABASE_REPLICA_PIN_SECONDS (a cookie): a
  reader sees their own comment, a moderator their decision, at once;
- outside a transaction on the primary: an operation never decides on a row older than the one
  it then changes;
- for anything but sessions and the database cache's entries, which requests read in order to
  change them: a session the replica has not received yet would be taken for none, and Django
  would delete its cookie (logging its browser out).

A replica that does not answer is left alone for a few seconds while the primary takes its
reads: losing it costs the primary some load, not the readers their pages.
"""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from config.middleware import SAFE_METHODS

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "read_primary"
RETRY_SECONDS = 5
PRIMARY_ONLY_APPS = {"sessions", "django_cache"}  # the database cache's pseudo-app


@dataclass
class _Request:
    replica: bool  # may its reads go to the replica?
    wrote: bool = False


_request = ContextVar("replicas_request", default=None)
_replica_down_until = 0.0  # in this process, by time.monotonic()


class ReplicaRouter:
    """Reads to the replica where the module's rules allow; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        request = _request.get()
        if (
            request is not None
            and request.replica
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            if _replica_answers():
                return REPLICA
            # The rest of the request reads the primary too, even if the replica answers
            # again meanwhile: one page never mixes the primary's rows with older ones.
            request.replica = False
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        request = _request.get()
        if request is not None:
            request.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both names hold the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema


def _replica_answers():
    """Connect to the replica (checking a kept connection once a request, as Django would), or
    give it RETRY_SECONDS before trying again."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except OperationalError as error:
        _replica_down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("The replica does not answer (%s): reading from the primary.", error)
        return False
    return True


class ReplicaMiddleware:
    """Say whether this request may read the replica, and pin a browser that sent a change to
    the primary for DATABASE_REPLICA_PIN_SECONDS (longer than the replica's lag should be)."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        state = _Request(
            replica=request.method in SAFE_METHODS and not request.COOKIES.get(PIN_COOKIE)
        )
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote and request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=not settings.DEBUG,
                httponly=True,
                samesite="Lax",
            )
        return response
