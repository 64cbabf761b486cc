"""Database outages, as a reader meets them: the site served by gunicorn on its own cluster.

The cluster is stopped, started again and locked while requests come in; each sentence of the
promise (503 fast, the typed text kept, recovery without a restart, no acknowledged comment
lost) is checked against the real processes. `make drill` runs the same at a larger scale.
"""

import os
import re
import signal
from pathlib import Path

import pytest

from devtools.served_site import SLUG, Browser, discussion_locked, served_site, stored_bodies


@pytest.fixture(scope="module")
def site():
    with served_site() as (cluster, port):
        yield cluster, port


def test_a_stopped_database_answers_503_fast_keeps_the_text_and_recovers(site):
    """Stopped: every page is a fast 503 and a comment comes back editable; started: all works."""
    cluster, port = site
    browser = Browser(port)
    assert browser.send_comment(browser.comment_form(), "Written while all was well.").status == 302
    form = browser.comment_form()  # a reader who opened the page before the outage

    cluster.stop()
    try:
        for path in ["/", f"/posts/{SLUG}/", "/archive/", "/feed/"]:
            page = browser.request("GET", path)
            assert page.status == 503, (path, page.status)
            assert page.headers["Retry-After"] == "30"
            assert page.elapsed < 1.0, (path, page.elapsed)
            assert "Back in a moment" in page.text
        sent = browser.send_comment(form, "Typed during the outage <3")
        assert sent.status == 503
        assert sent.elapsed < 1.0
        assert re.search(
            r'<textarea[^>]*name="body"[^>]*>Typed during the outage &lt;3</textarea>', sent.text
        )
        assert f'action="/posts/{SLUG}/comment/"' in sent.text
        assert "Send it again" in sent.text
    finally:
        cluster.start()

    # The same form, sent again once the database is back, without restarting anything.
    assert browser.send_comment(form, "Typed during the outage <3").status == 302
    assert browser.request("GET", "/").status == 200
    assert {"Written while all was well.", "Typed during the outage <3"} <= stored_bodies(cluster)


def test_a_stalled_database_fails_fast_instead_of_holding_a_worker(site):
    """A lock held elsewhere (a stall) makes the comment POST a 503 within the lock timeout."""
    cluster, port = site
    browser = Browser(port)
    form = browser.comment_form()
    with discussion_locked(cluster):
        stalled = browser.send_comment(form, "Sent while the discussion was locked.")
        assert stalled.status == 503
        assert stalled.elapsed < 3.0
        assert "Sent while the discussion was locked." in stalled.text
        assert browser.request("GET", "/").status == 200  # reading needs no lock
    assert browser.send_comment(form, "Sent once the lock was gone.").status == 302


def cluster_processes(cluster):
    """The postmaster and every server process it started."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    children = [
        int(stat.parent.name)
        for stat in Path("/proc").glob("[0-9]*/stat")
        if _parent_of(stat) == postmaster
    ]
    return [postmaster, *children]


def _parent_of(stat):
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_a_frozen_database_answers_503_fast_and_recovers(site):
    """Every server process stopped (a storage stall): a worker's kept connection is given up
    within the health check's second, and the page is a fast 503; thawed, all works again."""
    cluster, port = site
    browser = Browser(port)
    for _ in range(4):  # both workers hold a connection now
        assert browser.request("GET", "/").status == 200
    frozen = cluster_processes(cluster)
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        for path in ["/", f"/posts/{SLUG}/"]:
            page = browser.request("GET", path)
            assert page.status == 503, (path, page.status)
            assert page.elapsed < 5, (path, page.elapsed)
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
    assert browser.request("GET", "/").status == 200


def test_every_acknowledged_comment_is_stored(site):
    """Comments sent across stops and starts: each one answered 302 is in the database."""
    cluster, port = site
    browser = Browser(port)
    acknowledged = []
    for round_ in range(3):
        for number in range(3):
            body = f"Round {round_}, comment {number}."
            if browser.send_comment(browser.comment_form(), body).status == 302:
                acknowledged.append(body)
        cluster.stop()
        assert browser.request("GET", f"/posts/{SLUG}/").status == 503
        cluster.start()
    assert len(acknowledged) == 9
    assert set(acknowledged) <= stored_bodies(cluster)


@pytest.mark.django_db
def test_a_database_bug_is_a_500_not_an_outage(post, comment_data):
    """Only an unreachable or stalled database is a 503: a broken schema is a bug to see."""
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE comments_ratecounter")  # undone with the test's transaction
    response = Client(raise_request_exception=False).post(
        f"/posts/{post.slug}/comment/", comment_data(post, body="Kept?")
    )
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Send it again" not in response.content.decode()
