"""Two app servers on one PostgreSQL and one Redis, as behind a load balancer.

Each server is a gunicorn of its own (as on a machine of its own) serving the demo site from one
throwaway cluster; a real redis-server, started here like the cluster, holds the caches (post
pages included) and the comment rate limit. Whatever is changed through one server shows
through the other at once: every page is read twice before a change, so that a cache holding
it is warm, and once after.
"""

import os
import re

import pytest
import redis

from demo.management.commands.demo_content import DEMO_PASSWORD
from devtools.redis_server import REDIS_SERVER, RedisServer
from devtools.served_site import SLUG, Browser, app_servers, demo_database

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Outside CI a machine without redis-server skips these (`make test` installs it as root);
# under CI they run, and fail, because a CI machine without it is broken.
pytestmark = pytest.mark.skipif(
    not REDIS_SERVER.exists() and not IN_CI,
    reason=f"{REDIS_SERVER} is missing: `make test` installs it as root",
)

POST_PAGE = f"/posts/{SLUG}/"
HOME = "/"


@pytest.fixture(scope="module")
def servers():
    """(redis_server, [port_a, port_b]): the two servers of one site, behind a load balancer
    (played by each ``Browser`` given an address)."""
    with (
        RedisServer() as cache_server,
        demo_database(
            CACHE_URL=f"rediscache://127.0.0.1:{cache_server.port}/1",
            PAGE_CACHE_URL=f"rediscache://127.0.0.1:{cache_server.port}/2",
            COMMENTS_RATE_LIMIT="3",
            TRUSTED_PROXY_COUNT="1",
        ) as (_, env),
        app_servers(env, 2) as ports,
    ):
        yield cache_server, ports


def read(browser, page):
    response = browser.request("GET", page)
    assert response.status == 200, (page, response.status)
    return response.text


def warm(browser, *pages):
    """Read each page twice, as readers before a change would: a cache now holds it."""
    for page in pages:
        for _ in range(2):
            read(browser, page)


def log_in(port, username, address):
    """A staff member's browser, logged in through the admin's login form."""
    browser = Browser(port, address)
    fields = {"username": username, "password": DEMO_PASSWORD}
    answer = browser.submit("/admin/login/", fields=fields)
    assert (answer.status, answer.headers["Location"]) == (302, "/admin/"), answer.text
    return browser


def responses_on_home(text):
    """The post's count of published comments, as the home page lists it."""
    return int(re.search(rf'href="{POST_PAGE}#comments">(\d+) Responses?<', text)[1])


def test_moderating_and_closing_on_one_server_shows_on_the_other_at_once(servers):
    """Held on A: hidden from other readers on A and B; approved, closed, reopened on B: A
    shows each change on the next read, post page and home page alike."""
    _, (a, b) = servers
    commenter = Browser(a, "198.51.100.7")
    reader_on_a, reader_on_b = Browser(a, "198.51.100.8"), Browser(b, "198.51.100.9")
    moderator = log_in(b, "moderator", "198.51.100.1")
    text = "Held for a moderator on A, approved on B."

    warm(reader_on_a, POST_PAGE, HOME)
    warm(reader_on_b, POST_PAGE)
    responses = responses_on_home(read(reader_on_a, HOME))
    sent = commenter.send_comment(commenter.comment_form(), text)
    assert sent.status == 302
    comment_id = re.search(r"#comment-(\d+)$", sent.headers["Location"])[1]
    own_view = read(commenter, POST_PAGE)
    assert text in own_view
    assert "Your comment is awaiting moderation." in own_view
    assert text not in read(reader_on_a, POST_PAGE)
    assert text not in read(reader_on_b, POST_PAGE)

    warm(reader_on_a, POST_PAGE, HOME)
    approved = moderator.submit(
        POST_PAGE, f"/comments/{comment_id}/moderate/", {"action": "approve"}
    )
    assert approved.status == 302
    assert text in read(reader_on_a, POST_PAGE)
    assert responses_on_home(read(reader_on_a, HOME)) == responses + 1

    warm(reader_on_a, POST_PAGE)
    form_before_closing = reader_on_a.comment_form()
    closed = moderator.submit(POST_PAGE, f"/posts/{SLUG}/discussion/", {"action": "close"})
    assert closed.status == 302
    page = read(reader_on_a, POST_PAGE)
    assert "Comments are closed." in page
    assert 'id="respond"' not in page
    assert reader_on_a.send_comment(form_before_closing, "Too late?").status == 403

    warm(reader_on_a, POST_PAGE)
    reopened = moderator.submit(POST_PAGE, f"/posts/{SLUG}/discussion/", {"action": "reopen"})
    assert reopened.status == 302
    page = read(reader_on_a, POST_PAGE)
    assert "Comments are closed." not in page
    assert f'action="/posts/{SLUG}/comment/#respond"' in page


def test_a_post_edited_in_the_admin_on_one_server_shows_on_the_other_at_once(servers):
    """The editor saves a new title through A; B's post page and home page show it next."""
    _, (a, b) = servers
    editor = log_in(a, "editor", "198.51.100.2")
    reader_on_b = Browser(b, "198.51.100.10")
    title = "What the night bus knows, and the early shift too"
    change_page = re.search(
        r"/admin/blog/post/\d+/change/", read(editor, "/admin/blog/post/?q=night+bus")
    )[0]

    warm(reader_on_b, POST_PAGE, HOME)
    saved = editor.submit(change_page, fields={"title": title, "_save": "Save"})
    assert saved.status == 302, saved.text
    assert title in read(reader_on_b, POST_PAGE)
    assert title in read(reader_on_b, HOME)


def test_the_comment_rate_limit_counts_on_both_servers_together(servers):
    """COMMENTS_RATE_LIMIT=3: one reader's attempts through A and B add up in Redis, and the
    4th is refused with a 429 whichever server gets it."""
    cache_server, (a, b) = servers
    address = "203.0.113.21"
    browsers = [Browser(a, address), Browser(b, address)]
    statuses = [
        browser.send_comment(browser.comment_form(), f"Attempt {number}.").status
        for number, browser in enumerate(browsers * 3, start=1)
    ]
    assert statuses == [302, 302, 302, 429, 429, 429]
    counters = redis.Redis(port=cache_server.port, db=1)
    [counter] = counters.keys(f"*comments:rate:{address}")
    assert counters.get(counter) == b"6"
