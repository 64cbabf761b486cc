"""Access at the edges: the admin's "View on site", login throttling, CSP and Permissions-Policy."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/admin/login/"


def _view_on_site(obj):
    """The admin's "View on site" address for ``obj``, as the admin itself reverses it."""
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def _sent_to(response):
    """Where a "View on site" answer sends the browser, or its status code if it does not."""
    if response.status_code != 302:
        return response.status_code
    return response["Location"].removeprefix("http://testserver")


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def drafts(make_author, make_post, author):
    """A draft by the ``author`` (mara) and one by another author (lena), each with media."""
    from blog.models import MediaEmbed, Post

    other = make_author("lena")
    mine = make_post(title="My draft", status=Post.Status.DRAFT)
    theirs = make_post(title="Their draft", status=Post.Status.DRAFT, author=other)
    for post in (mine, theirs):
        MediaEmbed.objects.create(post=post, url="https://example.org/report", title="Report")
    return mine, theirs


# --- "View on site" ------------------------------------------------------------------------------


def test_view_on_site_hides_another_authors_draft(client, author, drafts):
    """An author is never sent to another author's draft (its slug would leak): 404."""
    mine, theirs = drafts
    client = _client_for(client, author.user)

    response = client.get(_view_on_site(theirs))
    assert response.status_code == 404
    assert theirs.slug not in response.headers.get("Location", "")
    assert client.get(_view_on_site(theirs.media.get())).status_code == 404

    assert _sent_to(client.get(_view_on_site(mine))) == mine.get_absolute_url()
    media = mine.media.get()
    assert _sent_to(client.get(_view_on_site(media))) == media.get_absolute_url()


def test_view_on_site_follows_the_admins_link_from_the_change_page(client, author, drafts):
    """The link the post's change page shows still leads to the post."""
    mine, _ = drafts
    client = _client_for(client, author.user)
    page = client.get(reverse("admin:blog_post_change", args=[mine.pk]))
    link = _view_on_site(mine)
    assert f'href="{link}"' in page.content.decode()
    assert _sent_to(client.get(link)) == mine.get_absolute_url()


def test_view_on_site_for_those_who_see_every_post(client, moderator, drafts):
    """Moderators see every post in the admin, so they may open any draft from it."""
    _, theirs = drafts
    response = _client_for(client, moderator).get(_view_on_site(theirs))
    assert _sent_to(response) == theirs.get_absolute_url()


def test_view_on_site_for_comments_follows_the_comment_admin(
    client, author, moderator, make_author, make_post, make_comment
):
    """A comment opens for its moderators and its post's author, not for other authors."""
    other_post = make_post(title="Lena's post", author=make_author("lena"))
    comment = make_comment(other_post)
    link = _view_on_site(comment)

    assert _sent_to(_client_for(client, moderator).get(link)) == comment.get_absolute_url()
    client.logout()
    assert _client_for(client, author.user).get(link).status_code == 404
    client.logout()
    own = make_comment(make_post(title="Mara's post"))
    assert (
        _sent_to(_client_for(client, author.user).get(_view_on_site(own))) == own.get_absolute_url()
    )


def test_view_on_site_refuses_what_no_admin_shows(client, moderator, post, drafts):
    """Objects without an admin, unknown types and missing ids are all 404, never a redirect."""
    from comments import services
    from comments.models import Discussion, ModerationEvent

    _, theirs = drafts
    services.close(theirs, moderator)
    client = _client_for(client, moderator)
    discussion = Discussion.objects.get(post=theirs)
    event = ModerationEvent.objects.filter(post=theirs).first()
    assert client.get(_view_on_site(discussion)).status_code == 404
    assert client.get(_view_on_site(event)).status_code == 404
    post_type = ContentType.objects.get_for_model(post).pk
    assert client.get(f"/admin/r/{post_type}/999999/").status_code == 404
    assert client.get(f"/admin/r/{post_type}/not-a-number/").status_code == 404
    assert client.get(f"/admin/r/999999/{post.pk}/").status_code == 404


def test_view_on_site_asks_strangers_to_log_in(client, staff_client, drafts):
    """Anonymous visitors go to the login page; staff without rights on posts get 404."""
    _, theirs = drafts
    link = _view_on_site(theirs)
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert theirs.slug not in response["Location"]
    assert staff_client.get(link).status_code == 404


# --- Login throttling ----------------------------------------------------------------------------


def _log_in(client, username, password="pw", ip="10.0.0.1", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        **headers,
    )


def _logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def _assert_locked_out(response):
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    text = response.content.decode()
    assert "Too many failed logins" in text
    assert re.search(r"Try again in 15\xa0minutes, after\s+<time datetime=", text), text


def test_five_wrong_passwords_lock_the_account_out(client, author):
    """After 5 wrong passwords even the right one is refused, with when to try again."""
    for _ in range(4):
        response = _log_in(client, "mara", "wrong")
        assert response.status_code == 200  # the form again, with its error
    _assert_locked_out(_log_in(client, "mara", "wrong"))
    _assert_locked_out(_log_in(client, "mara"))
    assert client.get("/admin/").status_code == 302  # not logged in


def test_four_wrong_passwords_do_not_lock_anyone_out(client, author):
    """Below the limit the right password still logs in."""
    for _ in range(4):
        _log_in(client, "mara", "wrong")
    assert _logged_in(_log_in(client, "mara"))


def test_lockout_covers_the_account_from_any_address(client, author, make_author):
    """Guessing one account's password from one address locks that account everywhere."""
    make_author("lena")
    for _ in range(5):
        _log_in(client, "mara", "wrong", ip="10.0.0.1")
    _assert_locked_out(_log_in(client, "mara", ip="192.0.2.7"))
    # Another account from another address is not affected.
    assert _logged_in(_log_in(client, "lena", ip="192.0.2.7"))


def test_lockout_covers_the_address_for_every_account(client, author, make_author):
    """Trying many accounts from one address locks that address out, not other readers."""
    make_author("lena")
    for name in ["admin", "root", "editor", "moe", "mara"]:
        _log_in(client, name, "wrong", ip="10.0.0.1")
    _assert_locked_out(_log_in(client, "lena", ip="10.0.0.1"))
    assert _logged_in(_log_in(client, "lena", ip="10.0.0.2"))


def test_lockout_ends_after_the_cool_off(client, author):
    """Once the cool-off has passed since the last failure, the right password works again."""
    from axes.models import AccessAttempt

    for _ in range(5):
        _log_in(client, "mara", "wrong")
    _assert_locked_out(_log_in(client, "mara"))
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    _assert_locked_out(_log_in(client, "mara"))  # a failure restarts the cool-off
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert _logged_in(_log_in(client, "mara"))


def test_lockout_counts_the_readers_address_behind_a_proxy(client, settings, author):
    """Behind a trusted proxy the address counted is the reader's, as for the comment limit."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for name in ["admin", "root", "editor", "moe", "lena"]:
        _log_in(client, name, "wrong", ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    _assert_locked_out(_log_in(client, "mara", ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9"))
    assert _logged_in(_log_in(client, "mara", ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.10"))


# --- Content-Security-Policy and Permissions-Policy ----------------------------------------------


def _directives(header):
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_pages_send_a_strict_content_security_policy(client, post):
    """Only the site's own scripts and styles run; nothing may frame the site."""
    for url in ["/", post.get_absolute_url(), LOGIN]:
        policy = _directives(client.get(url)["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "https:"]
        assert policy["form-action"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]


def test_csp_frames_exactly_the_embedded_video_players(client, post):
    """The frames allowed are the players blog/embeds.py builds, so every embed plays."""
    from urllib.parse import urlsplit

    from blog.embeds import parse_media_url

    players = {
        "{0.scheme}://{0.netloc}".format(urlsplit(parse_media_url(url).embed_src))
        for url in ["https://www.youtube.com/watch?v=M7lc1UVf-VE", "https://vimeo.com/76979871"]
    }
    policy = _directives(client.get(post.get_absolute_url())["Content-Security-Policy"])
    assert set(policy["frame-src"]) == players


def test_pages_send_a_permissions_policy(client, post):
    """Unused browser features are off, for the site and its frames; videos may go full screen."""
    header = client.get(post.get_absolute_url())["Permissions-Policy"]
    features = dict(item.split("=", 1) for item in header.split(", "))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert features[feature] == "()"
    assert features["fullscreen"] == (
        '(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
    )


# Inline code the policy blocks: a <script> or <style> element with content, a style="" attribute,
# an on...="" event handler, a javascript: URL.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>\s*\S|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
)


def test_templates_have_no_inline_scripts_or_styles():
    """No template needs 'unsafe-inline': every script and style is a static file."""
    offending = {
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE.search(line)
    }
    assert offending == set()
    assert INLINE.search('<p style="margin: 0">')
    assert INLINE.search("<script>alert(1)</script>")
