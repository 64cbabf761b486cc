"""Django's PostgreSQL backend, with a connection health check that cannot hang.

A persistent connection is checked before each request reuses it. Django's check is a plain
``SELECT 1``, which waits forever on a server that is frozen (a storage stall, a stopped
process): the worker hangs until gunicorn kills it. This check waits DB_HEALTH_CHECK_TIMEOUT
seconds at most; an unanswered connection is dropped, and the reconnection's connect timeout
turns the outage into a fast 503.
"""

import select
import time

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        deadline = time.monotonic() + settings.DB_HEALTH_CHECK_TIMEOUT
        try:
            pgconn.send_query(b"SELECT 1")
            while True:
                pgconn.consume_input()
                if not pgconn.is_busy():
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([pgconn.socket], [], [], remaining)[0]:
                    return False  # no answer in time: Django closes it and connects anew
            results = []
            while (result := pgconn.get_result()) is not None:
                results.append(result)
        except psycopg.Error:
            return False
        return all(result.status == psycopg.pq.ExecStatus.TUPLES_OK for result in results)
