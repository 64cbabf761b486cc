"""Reads from a streaming replica, writes to the primary, a writer's own writes read back at once.

The demo site is served by gunicorn on a throwaway primary and a real standby of it made with
``pg_basebackup -R``. Replay on the standby is paused where it matters, so that it certainly
lags: a page that shows a row the standby lacks was read on the primary, and one that lacks a
row the primary holds was read on the standby.
"""

import time
from contextlib import contextmanager

import psycopg
import pytest

from config.replicas import PIN_COOKIE
from devtools.served_site import SLUG, Browser, app_servers, demo_database, stored_bodies

PAGE = f"/posts/{SLUG}/"


@pytest.fixture(scope="module")
def site():
    """(primary, replica, port): the site on both, with two workers (either may answer)."""
    with demo_database() as (primary, env):
        replica = primary.start_replica(primary.root / "replica")
        try:
            with app_servers({**env, "DATABASE_REPLICA_URL": replica.url}, 1) as [port]:
                yield primary, replica, port
        finally:
            replica.stop()


def query(cluster, sql, params=()):
    with psycopg.connect(cluster.url, autocommit=True) as db:
        return db.execute(sql, params).fetchone()[0]


@contextmanager
def replay_paused(replica):
    """The standby receives the primary's changes but applies none of them meanwhile."""
    query(replica, "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        query(replica, "SELECT pg_wal_replay_resume()")


def wait_until_replayed(replica, body, seconds=10):
    """Until the standby holds the comment written with ``body``."""
    deadline = time.monotonic() + seconds
    while body not in stored_bodies(replica):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def test_a_reader_sees_their_comment_at_once_though_the_replica_lags(site):
    """The comment is written on the primary and its author, pinned there by a cookie, reads
    it back at once; without the pin the same browser reads the lagging standby."""
    primary, replica, port = site
    assert query(replica, "SELECT pg_is_in_recovery()")
    reader = Browser(port)
    form = reader.comment_form()
    body = "Read back from the primary while the replica lags."
    with replay_paused(replica):
        sent = reader.send_comment(form, body)
        assert sent.status == 302
        assert reader.cookies[PIN_COOKIE]
        assert body in stored_bodies(primary)
        assert body not in stored_bodies(replica)
        page = sent.headers["Location"].split("#")[0]
        assert body in reader.request("GET", page).text

        del reader.cookies[PIN_COOKIE]  # as when it expires
        assert body not in reader.request("GET", page).text

    wait_until_replayed(replica, body)
    # Its session, read on the primary all along, still names the comment as the reader's.
    assert body in reader.request("GET", page).text


def test_a_reader_who_sent_nothing_reads_the_replica(site):
    """A reader's page runs its queries on the standby."""
    _, replica, port = site
    before = query(replica, "SELECT clock_timestamp()")
    assert Browser(port).request("GET", PAGE).status == 200
    last_query = query(
        replica,
        "SELECT max(query_start) FROM pg_stat_activity"
        " WHERE datname = 'blog' AND pid <> pg_backend_pid()",
    )
    assert last_query > before


def test_reads_go_to_the_primary_while_the_replica_is_down(site):
    """A stopped standby costs readers nothing: their pages come from the primary.

    Last of the site's tests: for a few seconds after, the site still reads the primary."""
    _, replica, port = site
    reader = Browser(port)
    replica.stop()
    try:
        for path in ["/", PAGE]:
            assert reader.request("GET", path).status == 200
    finally:
        replica.start()


@pytest.mark.django_db
def test_without_a_replica_nothing_pins_a_browser(client, post, comment_data):
    """The embedded default has no replica: sending a comment sets no pin cookie."""
    response = client.post(f"/posts/{post.slug}/comment/", comment_data(post))
    assert response.status_code == 302
    assert PIN_COOKIE not in response.cookies
